import { decode } from 'jsonwebtoken';
import { loadConfig } from '../src/config/app-config';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer } from './support/tokens';

describe('Dev sign-in (POST /api/auth/dev-token)', () => {
  describe('outside production', () => {
    let stack: TestStack;
    let app: TestApp;

    beforeAll(async () => {
      stack = await createTestStack({ database: 'sqlite', redis: false, env: { DEV_SIGN_IN: 'true' } });
      app = await startTestApp(stack);
    });

    afterAll(async () => {
      await app?.close();
      await stack?.teardown();
    });

    it('issues a token for the given user, without roles, that the API accepts', async () => {
      expect((await app.http().get('/api/auth/options')).body).toEqual({ dev_sign_in: true, development: true });
      const response = await app.http().post('/api/auth/dev-token').send({ user_id: 'zoe' });
      expect(response.status).toBe(200);
      expect(decode(response.body.token)).toMatchObject({ sub: 'zoe', roles: [] });
      const list = await app.http().get('/api/exports/my-exports').set(bearer(response.body.token));
      expect(list.status).toBe(200);
      expect(list.body.total_items).toBe(0);
    });

    it('signs in as "demo" without a user id, and refuses a malformed one', async () => {
      expect(decode((await app.http().post('/api/auth/dev-token').send({})).body.token)).toMatchObject({ sub: 'demo' });
      const bad = await app.http().post('/api/auth/dev-token').send({ user_id: 'no spaces allowed' });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toEqual(['user_id must be 1-64 letters, digits, . _ @ or -']);
    });
  });

  it('is off on a server with its own JWT_SECRET unless DEV_SIGN_IN=true, and never allowed in production', async () => {
    const stack = await createTestStack({ database: 'sqlite', redis: false });
    try {
      expect(stack.config.jwtSecretGenerated).toBe(false);
      const app = await startTestApp(stack);
      expect((await app.http().post('/api/auth/dev-token').send({ user_id: 'zoe' })).status).toBe(404);
      expect((await app.http().get('/api/auth/options')).body).toEqual({ dev_sign_in: false, development: false });
      await app.close();
    } finally {
      await stack.teardown();
    }
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), DEV_SIGN_IN: 'true' }, false)).toThrow(
      'DEV_SIGN_IN cannot be true when NODE_ENV=production',
    );
  });

  describe('with NODE_ENV=production', () => {
    let stack: TestStack;
    let app: TestApp;

    beforeAll(async () => {
      stack = await createTestStack({ database: 'sqlite', redis: false, env: { NODE_ENV: 'production' } });
      app = await startTestApp(stack);
    });

    afterAll(async () => {
      await app?.close();
      await stack?.teardown();
    });

    it('does not exist: 404, and no token', async () => {
      const response = await app.http().post('/api/auth/dev-token').send({ user_id: 'zoe' });
      expect(response.status).toBe(404);
      expect(response.body.token).toBeUndefined();
      expect((await app.http().get('/api/auth/options')).body).toEqual({ dev_sign_in: false, development: false });
    });
  });
});
