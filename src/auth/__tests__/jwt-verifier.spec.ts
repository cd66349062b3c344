import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { loadConfig } from '../../config/app-config';
import { JwtVerifier } from '../jwt-verifier';

const SECRET = 'jwt-verifier-spec-secret-0123456789-abcdefghij';

describe(JwtVerifier.name, () => {
  let dir: string;
  let verifier: JwtVerifier;

  const token = (subject: string, expiresInSeconds: number): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ roles: ['ezpass'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(subject)
      .setIssuedAt(now)
      .setExpirationTime(now + expiresInSeconds)
      .sign(new TextEncoder().encode(SECRET));
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jwt-verifier-'));
    verifier = new JwtVerifier(loadConfig({ EXPORT_DIR: join(dir, 'exports'), JWT_SECRET: SECRET }, false));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('checks the signature of a token once, then answers from what it accepted', async () => {
    const verify = jest.spyOn(crypto.subtle, 'verify');
    const bearer = await token('alice', 3600);
    const first = await verifier.verify(bearer);
    const second = await verifier.verify(bearer);
    expect(first?.user).toEqual({ id: 'alice', roles: ['ezpass'], isAdmin: false });
    expect(second).toBe(first);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('accepts nothing else because of a remembered token: the same claims with another signature are refused', async () => {
    const bearer = await token('alice', 3600);
    expect(await verifier.verify(bearer)).toBeDefined();
    const [header, payload, signature] = bearer.split('.');
    const forged = [header, payload, `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`].join('.');
    expect(await verifier.verify(forged)).toBeUndefined();
  });

  it('refuses a remembered token once it has expired', async () => {
    const bearer = await token('alice', 1);
    const verified = await verifier.verify(bearer);
    expect(verified).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, (verified as { expiresAt: Date }).expiresAt.getTime() - Date.now() + 50));
    expect(await verifier.verify(bearer)).toBeUndefined();
  });

  it('hands out a user nobody can change for the next request', async () => {
    const verified = await verifier.verify(await token('alice', 3600));
    expect(Object.isFrozen(verified?.user)).toBe(true);
    expect(Object.isFrozen(verified?.user.roles)).toBe(true);
  });
});
