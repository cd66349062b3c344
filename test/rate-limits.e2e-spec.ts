import Redis from 'ioredis';
import type { Response } from 'supertest';
import { SharedThrottlerStorage } from '../src/http/shared-throttler.storage';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { createQueuePrefix, REDIS_SERVER } from './support/test-env';
import { bearer, tokenFor } from './support/tokens';

const SENTENCE = /^Too many requests: at most \d+ a minute are allowed\. Try again in \d+ seconds?\.$/;

function expectThrottled(response: Response, limit: number): void {
  expect(response.status).toBe(429);
  expect(response.headers['retry-after']).toMatch(/^\d+$/);
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  expect(Number(response.headers['retry-after'])).toBeLessThanOrEqual(60);
  expect(response.body.message).toMatch(SENTENCE);
  expect(response.body.message).toContain(`at most ${limit} a minute`);
  expect(Object.keys(response.headers).filter((name) => /^retry-after-|^x-ratelimit/.test(name))).toEqual([]);
}

describe('Per-minute limits shared by two API nodes through Redis (SQLite, BullMQ)', () => {
  let stack: TestStack;
  let nodes: TestApp[];

  beforeAll(async () => {
    stack = await createTestStack({
      database: 'sqlite',
      redis: true,
      env: { RATE_LIMIT_PER_MINUTE: '4', EXPORT_REQUESTS_PER_MINUTE: '2' },
    });
    nodes = [await startTestApp(stack, 'api'), await startTestApp(stack, 'api')];
  });

  afterAll(async () => {
    await Promise.all((nodes ?? []).map((node) => node.close()));
    await stack?.teardown();
  });

  it('counts one limit across both nodes, answering 429 with a numeric Retry-After and a sentence', async () => {
    const alice = bearer(tokenFor('alice'));
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await nodes[i % 2].http().get('/api/exports/my-exports').set(alice)).status);
    expect(statuses).toEqual([200, 200, 200, 200]);
    expectThrottled(await nodes[0].http().get('/api/exports/my-exports').set(alice), 4);
    expectThrottled(await nodes[1].http().get('/api/exports/my-exports').set(alice), 4);
    expect(
      (
        await nodes[1]
          .http()
          .get('/api/exports/my-exports')
          .set(bearer(tokenFor('bob')))
      ).status,
    ).toBe(200);
  });

  it('answers the export-request limit the same way: standard Retry-After, not Retry-After-exports', async () => {
    const carol = bearer(tokenFor('carol'));
    for (const node of nodes)
      expect((await node.http().post('/api/exports/request').set(carol).send({ export_type: 'NOPE' })).status).toBe(400);
    expectThrottled(await nodes[0].http().post('/api/exports/request').set(carol).send({ export_type: 'NOPE' }), 2);
  });

  it("keeps the counters under the deployment's QUEUE_PREFIX", async () => {
    const redis = new Redis(REDIS_SERVER);
    try {
      const [, keys] = await redis.scan('0', 'MATCH', `${stack.env.QUEUE_PREFIX}:throttle:*`, 'COUNT', 1000);
      expect(keys.length).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });
});

describe('TRUST_PROXY: clients behind a load balancer are told apart by X-Forwarded-For (SQLite, no Redis)', () => {
  const stacks: TestStack[] = [];
  const apps: TestApp[] = [];

  async function node(env: Record<string, string>): Promise<TestApp> {
    const stack = await createTestStack({ database: 'sqlite', redis: false, env: { RATE_LIMIT_PER_MINUTE: '2', ...env } });
    stacks.push(stack);
    const app = await startTestApp(stack, 'api');
    apps.push(app);
    return app;
  }

  /** Status of a request without a token, so the limit is per client address. */
  const from = async (app: TestApp, address: string): Promise<number> =>
    (await app.http().get('/api/auth/options').set('X-Forwarded-For', address)).status;

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await Promise.all(stacks.map((stack) => stack.teardown()));
  });

  it('limits each forwarded client on its own with TRUST_PROXY=1', async () => {
    const app = await node({ TRUST_PROXY: '1' });
    expect([await from(app, '203.0.113.7'), await from(app, '203.0.113.7'), await from(app, '203.0.113.7')]).toEqual([200, 200, 429]);
    expect(await from(app, '203.0.113.8')).toBe(200);
  });

  it('ignores X-Forwarded-For by default, so a client cannot pick its own address', async () => {
    const app = await node({});
    expect([await from(app, '203.0.113.7'), await from(app, '203.0.113.8'), await from(app, '203.0.113.9')]).toEqual([200, 200, 429]);
  });
});

describe(SharedThrottlerStorage.name, () => {
  it('counts in Redis from the first request, before its connection is even up', async () => {
    const queue = createQueuePrefix();
    const storage = new SharedThrottlerStorage(REDIS_SERVER, `${queue.prefix}:throttle:`);
    const redis = new Redis(REDIS_SERVER);
    try {
      expect((await storage.increment('first-client', 60_000, 5, 60_000, 'default')).totalHits).toBe(1);
      const [, keys] = await redis.scan('0', 'MATCH', `${queue.prefix}:throttle:*`, 'COUNT', 1000);
      expect(keys).toEqual([`${queue.prefix}:throttle:{first-client:default}:hits`]);
    } finally {
      storage.onApplicationShutdown();
      redis.disconnect();
      await queue.clear();
    }
  });

  it('counts in memory, and still limits, while Redis cannot be reached', async () => {
    const storage = new SharedThrottlerStorage('redis://127.0.0.1:1', 'unreachable:');
    try {
      const hits = [];
      for (let i = 0; i < 3; i++) hits.push(await storage.increment('client', 60_000, 2, 60_000, 'default'));
      expect(hits.map((hit) => hit.isBlocked)).toEqual([false, false, true]);
      expect(hits[2].timeToBlockExpire).toBeGreaterThan(0);
    } finally {
      storage.onApplicationShutdown();
    }
  });
});
