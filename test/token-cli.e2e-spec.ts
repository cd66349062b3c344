import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { decode } from 'jsonwebtoken';
import type { JwtPayload } from 'jsonwebtoken';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer } from './support/tokens';

const CLI = join(__dirname, '..', 'dist', 'src', 'cli.js');

describe('cli token (the built CLI, as operators run it)', () => {
  let stack: TestStack;
  let app: TestApp;

  const cli = (env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI, 'token', ...args],
        { env: { PATH: process.env.PATH ?? '', ...stack.env, ...env } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    stack = await createTestStack({
      database: 'sqlite',
      redis: false,
      env: { JWT_ISSUER: 'https://backoffice.example.test', JWT_AUDIENCE: 'exports-api', JWT_ROLES_CLAIM: 'realm_access.roles' },
    });
    app = await startTestApp(stack, 'api');
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  it.each([['25h'], ['999999d']])('refuses --ttl %s, beyond JWT_MAX_TTL (24h), and prints no token', async (ttl) => {
    const { code, stdout, stderr } = await cli({}, '--user', 'ops', '--role', 'admin', '--ttl', ttl);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe(`A token may live at most 24h (JWT_MAX_TTL), not ${ttl}`);
  });

  it('follows a configured JWT_MAX_TTL', async () => {
    expect((await cli({ JWT_MAX_TTL: '2h' }, '--user', 'ops', '--ttl', '3h')).code).toBe(1);
    expect((await cli({ JWT_MAX_TTL: '2h' }, '--user', 'ops', '--ttl', '2h')).code).toBe(0);
  });

  it('mints a token of up to the cap that the API accepts, with iss, aud and roles where the server reads them', async () => {
    const { code, stdout } = await cli({}, '--user', 'ops', '--role', 'admin', '--ttl', '24h');
    expect(code).toBe(0);
    const token = stdout.trim();
    const claims = decode(token) as JwtPayload;
    expect(claims).toMatchObject({
      sub: 'ops',
      iss: 'https://backoffice.example.test',
      aud: 'exports-api',
      realm_access: { roles: ['admin'] },
    });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(86_400);
    expect((await app.http().get('/api/metrics').set(bearer(token))).status).toBe(200);
  });
});
