import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { TEST_JWT_SECRET } from './support/test-env';
import { bearer } from './support/tokens';

const ISSUER = 'https://idp.example.test/realms/fleet';
const AUDIENCE = 'exports-api';

interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
}

async function signingKey(kid: string, alg: SigningKey['alg']): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** The identity provider's JWKS endpoint; `publish` changes the keys it serves from then on. */
async function startKeySet(): Promise<{ url: string; publish(...keys: SigningKey[]): void; close(): Promise<void> }> {
  let keys: JWK[] = [];
  const server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/fleet/certs`,
    publish: (...published) => (keys = published.map((key) => key.jwk)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface Claims {
  sub?: string;
  roles?: string[];
  iss?: string;
  aud?: string;
  /** Seconds from now; null for no `exp` at all. */
  expiresIn?: number | null;
  issuedAt?: number;
}

interface Signer {
  kid: string;
  alg: string;
  privateKey: CryptoKey | Uint8Array;
}

/** A token as the identity provider signs it: roles under realm_access.roles, as Keycloak puts them. */
function idpToken(key: Signer, claims: Claims = {}): Promise<string> {
  const { sub = 'alice', roles = [], iss = ISSUER, aud = AUDIENCE, expiresIn = 600 } = claims;
  const now = Math.floor(Date.now() / 1000);
  const token = new SignJWT({ realm_access: { roles } })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(iss)
    .setAudience(aud)
    .setIssuedAt(claims.issuedAt ?? now);
  if (expiresIn !== null) token.setExpirationTime(now + expiresIn);
  return token.sign(key.privateKey);
}

describe('Tokens of an identity provider (JWT_JWKS_URL, iss, aud, roles claim; SQLite, BullMQ for the dashboard)', () => {
  let keySet: Awaited<ReturnType<typeof startKeySet>>;
  let stack: TestStack;
  let app: TestApp;
  let rsa: SigningKey;
  let ec: SigningKey;

  const statusWith = async (token: string, path = '/api/exports/my-exports'): Promise<number> =>
    (await app.http().get(path).set(bearer(token))).status;

  beforeAll(async () => {
    [rsa, ec] = await Promise.all([signingKey('rsa-1', 'RS256'), signingKey('ec-1', 'ES256')]);
    keySet = await startKeySet();
    keySet.publish(rsa, ec);
    stack = await createTestStack({
      database: 'sqlite',
      redis: true,
      env: { JWT_JWKS_URL: keySet.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, JWT_ROLES_CLAIM: 'realm_access.roles' },
    });
    app = await startTestApp(stack, 'api');
  });

  afterAll(async () => {
    jest.useRealTimers();
    await app?.close();
    await stack?.teardown();
    await keySet?.close();
  });

  it('accepts RS256 and ES256 tokens signed by the key set, with roles from the configured claim', async () => {
    expect(await statusWith(await idpToken(rsa))).toBe(200);
    expect(await statusWith(await idpToken(ec))).toBe(200);
    expect(await statusWith(await idpToken(rsa), '/api/metrics')).toBe(403);
    expect(await statusWith(await idpToken(rsa, { roles: ['admin'] }), '/api/metrics')).toBe(200);
  });

  it('lets the queue dashboard check them the same way', async () => {
    expect(await statusWith(await idpToken(rsa, { roles: ['admin'] }), '/admin/queues')).toBe(200);
    expect(await statusWith(await idpToken(rsa), '/admin/queues')).toBe(403);
    expect(await statusWith(await idpToken(rsa, { aud: 'another-api', roles: ['admin'] }), '/admin/queues')).toBe(401);
  });

  it('answers 401 to a token signed by another key, under a known kid or not', async () => {
    const impostor = await signingKey('rsa-1', 'RS256');
    expect(await statusWith(await idpToken(impostor))).toBe(401);
    expect(await statusWith(await idpToken({ ...impostor, kid: 'unknown-kid' }))).toBe(401);
  });

  it.each<[string, Claims]>([
    ['the wrong audience', { aud: 'another-api' }],
    ['the wrong issuer', { iss: 'https://evil.example.test' }],
    ['no exp', { expiresIn: null }],
    ['an exp already past', { expiresIn: -5 }],
    ['a lifetime beyond JWT_MAX_TTL (24h)', { expiresIn: 25 * 3600 }],
    ['a lifetime beyond JWT_MAX_TTL, issued a day ago', { expiresIn: 3600, issuedAt: Math.floor(Date.now() / 1000) - 86_400 }],
    ['no sub', { sub: '' }],
  ])('answers 401 to a token with %s', async (_label, claims) => {
    expect(await statusWith(await idpToken(rsa, claims))).toBe(401);
  });

  it('keeps HS256 tokens signed with JWT_SECRET, which must carry the same iss and aud; the key set never signs HS256', async () => {
    const secret = new TextEncoder().encode(TEST_JWT_SECRET);
    expect(await statusWith(await idpToken({ kid: 'local', alg: 'HS256', privateKey: secret }))).toBe(200);
    const withoutAudience = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setExpirationTime('10m')
      .sign(secret);
    expect(await statusWith(withoutAudience)).toBe(401);
    // The classic confusion: the provider's public key used as an HMAC secret.
    const publicPem = new TextEncoder().encode(await exportSPKI(rsa.publicKey));
    const confused = await idpToken({ kid: rsa.kid, alg: 'HS256', privateKey: publicPem });
    expect(await statusWith(confused)).toBe(401);
  });

  it('picks up a rotated key (new kid) without a restart, and drops the retired one', async () => {
    expect(await statusWith(await idpToken(rsa))).toBe(200);
    const rotated = await signingKey('rsa-2', 'RS256');
    keySet.publish(rotated, ec);
    expect(await statusWith(await idpToken(rotated))).toBe(401);
    // jose fetches again for an unknown kid once 30 s have passed since the last fetch: move the clock, not the test.
    jest.useFakeTimers({
      now: Date.now() + 31_000,
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
    });
    expect(await statusWith(await idpToken(rotated))).toBe(200);
    expect(await statusWith(await idpToken(rsa))).toBe(401);
    jest.useRealTimers();
  });
});
