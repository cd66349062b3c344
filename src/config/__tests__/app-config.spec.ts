import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../app-config';

describe(loadConfig.name, () => {
  let dir: string;
  const base = (): NodeJS.ProcessEnv => ({ EXPORT_DIR: join(dir, 'exports') });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults to the embedded profile: SQLite, in-process queue, port 8000', () => {
    const config = loadConfig(base(), false);
    expect(config.database).toEqual({ kind: 'sqlite', path: expect.stringMatching(/data\/exports\.sqlite$/) as string });
    expect(config.embedded).toBe(true);
    expect(config.port).toBe(8000);
  });

  it('generates a dev JWT key once and keeps it', () => {
    const first = loadConfig(base(), false);
    const second = loadConfig(base(), false);
    expect(first.jwtSecretGenerated).toBe(true);
    expect(first.jwtSecret).toHaveLength(64);
    expect(second.jwtSecret).toBe(first.jwtSecret);
  });

  it('reads MySQL and Redis URLs', () => {
    const config = loadConfig(
      { ...base(), DATABASE_URL: 'mysql://root:pw@db:3306/fleet', REDIS_URL: 'redis://cache:6379/2', PORT: '9000' },
      false,
    );
    expect(config.database).toMatchObject({ kind: 'mysql', database: 'fleet' });
    expect(config.redisUrl).toBe('redis://cache:6379/2');
    expect(config.port).toBe(9000);
  });

  it.each([
    [{ DATABASE_URL: 'postgres://x/y' }, 'DATABASE_URL must look like'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL must look like'],
    [{ PORT: 'eighty' }, 'PORT must be a whole number'],
    [{ PORT: '70000' }, 'PORT must not be greater than 65535'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET must be at least 32 characters'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET is required when NODE_ENV=production'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV must be one of'],
    [{ EXPORT_CONCURRENCY: '0' }, 'EXPORT_CONCURRENCY must not be less than 1'],
  ])('refuses %p with a message naming the variable', (env, message) => {
    expect(() => loadConfig({ ...base(), ...env }, false)).toThrow(ConfigError);
    expect(() => loadConfig({ ...base(), ...env }, false)).toThrow(message);
  });

  it('names every wrong variable at once', () => {
    expect(() => loadConfig({ ...base(), PORT: 'x', REDIS_URL: 'nope' }, false)).toThrow(/PORT.*REDIS_URL|REDIS_URL.*PORT/);
  });
});
