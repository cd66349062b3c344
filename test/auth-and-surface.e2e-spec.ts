import { sign } from 'jsonwebtoken';
import { TEST_JWT_SECRET } from './support/test-env';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';

describe.each(['sqlite', 'mariadb'] as const)('Auth and public surface on %s', (database) => {
  let stack: TestStack;
  let app: TestApp;

  beforeAll(async () => {
    stack = await createTestStack({ database, redis: false });
    app = await startTestApp(stack);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  it('serves health without a token, reporting the database', async () => {
    const response = await app.http().get('/api/health');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ok', details: { database: { status: 'up' } } });
  });

  it('serves Swagger UI and the OpenAPI document without a token', async () => {
    expect((await app.http().get('/api/docs/')).status).toBe(200);
    const doc = await app.http().get('/api/docs-json');
    expect(doc.status).toBe(200);
    expect(Object.keys((doc.body as { paths: object }).paths)).toEqual(
      expect.arrayContaining(['/api/exports/request', '/api/exports/{id}/status', '/api/exports/{id}/download', '/api/exports/my-exports']),
    );
  });

  it('accepts a valid token', async () => {
    const response = await app
      .http()
      .get('/api/exports/my-exports')
      .set(bearer(tokenFor('alice')));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ items: [], total_items: 0, page: 1, per_page: 10, total_pages: 0 });
  });

  it.each([
    ['no token', undefined],
    ['a token signed with another key', tokenFor('alice', [], {}, 'another-secret-of-sufficient-length-0123456789')],
    ['an expired token', tokenFor('alice', [], { expiresIn: -10 })],
    [
      'an unsigned alg:none token',
      `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'alice', exp: 9999999999 })).toString('base64url')}.`,
    ],
    ['a token without sub', sign({ roles: [] }, TEST_JWT_SECRET)],
    ['a token without exp', sign({ roles: [] }, TEST_JWT_SECRET, { subject: 'alice' })],
    ['a token living longer than JWT_MAX_TTL (24h)', tokenFor('alice', [], { expiresIn: '25h' })],
    ['a malformed header', 'not-a-jwt'],
  ])('answers 401 to %s', async (_label, token) => {
    const call = app.http().get('/api/exports/my-exports');
    const response = await (token === undefined ? call : call.set(bearer(token)));
    expect(response.status).toBe(401);
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.js|stack/i);
  });
});
