import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config-error';
import { devJwtSecret } from '../dev-jwt-secret';

describe(devJwtSecret.name, () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dev-key-'));
    file = join(dir, 'data', '.dev-jwt-secret');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A key file written by someone else, as it would be found at start-up. */
  function existing(content: string, mode: number): void {
    devJwtSecret(file);
    writeFileSync(file, content);
    chmodSync(file, mode);
  }

  it('creates a 64-character key readable by its owner only, leaves nothing else behind, and keeps it', () => {
    const secret = devJwtSecret(file);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'data'))).toEqual(['.dev-jwt-secret']);
    expect(devJwtSecret(file)).toBe(secret);
  });

  it.each(['644', '640', '604', '660'])('refuses a key other users can read or write (mode %s)', (mode) => {
    existing('k'.repeat(64), parseInt(mode, 8));
    expect(() => devJwtSecret(file)).toThrow(ConfigError);
    expect(() => devJwtSecret(file)).toThrow(`can be read or written by other users (mode ${mode})`);
  });

  it('refuses a key shorter than 32 characters', () => {
    existing('too-short', 0o600);
    expect(() => devJwtSecret(file)).toThrow('is shorter than 32 characters');
  });

  it('refuses a key that belongs to another user', () => {
    existing('k'.repeat(64), 0o600);
    chownSync(file, 65534, 65534);
    expect(() => devJwtSecret(file)).toThrow('belongs to another user (uid 65534)');
  });

  it('refuses a symbolic link in place of the key', () => {
    const elsewhere = join(dir, 'elsewhere');
    writeFileSync(elsewhere, 'k'.repeat(64), { mode: 0o600 });
    devJwtSecret(file);
    rmSync(file);
    symlinkSync(elsewhere, file);
    expect(() => devJwtSecret(file)).toThrow('is not a regular file');
  });
});
