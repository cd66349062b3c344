import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import request from 'supertest';
import type { Response } from 'supertest';
import { insertJob } from './support/faults/jobs';
import { startService } from './support/processes';
import type { ServiceProcess } from './support/processes';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';

const CAP = 5;
const PARALLEL = 20;
const refusal = `You have ${CAP} exports pending or running, the most allowed at once. Wait for one to finish or cancel one, then try again.`;

/** Sent at once (a supertest request starts only when awaited). */
async function requestExport(base: string, user: string, i: number): Promise<Response> {
  return await request(base)
    .post('/api/exports/request')
    .set(bearer(tokenFor(user)))
    .send({ export_type: 'EZPASS', format: 'csv', filters: { from_amount: String(i) } });
}

async function activeIds(stack: TestStack, user: string): Promise<number[]> {
  const rows = await stack.db.query<{ id: number }[]>("SELECT id FROM export_jobs WHERE user_id = ? AND status = 'PENDING'", [user]);
  return rows.map((row) => Number(row.id)).sort((a, b) => a - b);
}

/** Exactly CAP accepted, every other one 429 with Retry-After and the sentence, and the database agreeing. */
async function expectCapHeld(stack: TestStack, user: string, responses: Response[]): Promise<void> {
  const accepted = responses.filter((response) => response.status === 202);
  const refused = responses.filter((response) => response.status === 429);
  expect(accepted).toHaveLength(CAP);
  expect(refused).toHaveLength(responses.length - CAP);
  for (const response of refused) {
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(response.body.message).toBe(refusal);
  }
  expect(await activeIds(stack, user)).toEqual(accepted.map((response) => Number(response.body.export_id)).sort((a, b) => a - b));
}

describe('The active-export cap under parallel requests (MariaDB, one API, no worker)', () => {
  let stack: TestStack;
  let api: TestApp;
  let base: string;

  beforeAll(async () => {
    // BullMQ with nothing consuming it: every accepted export stays PENDING, so the cap is all that decides.
    stack = await createTestStack({ database: 'mariadb', redis: true, env: { MAX_ACTIVE_EXPORTS: String(CAP) } });
    api = await startTestApp(stack, 'api');
    await api.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await api?.close();
    await stack?.teardown();
  });

  it(`accepts ${CAP} of ${PARALLEL} simultaneous requests from one user and answers the rest 429 with Retry-After`, async () => {
    await expectCapHeld(stack, 'alice', await Promise.all(Array.from({ length: PARALLEL }, (_, i) => requestExport(base, 'alice', i))));
    // Another user's cap is their own.
    expect((await requestExport(base, 'bob', 0)).status).toBe(202);
  });

  it(`lets ${CAP} of ${PARALLEL} simultaneous retries of one user's failed exports through, as it does requests`, async () => {
    const failed = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        insertJob(stack.db, { user_id: 'rae', status: 'FAILED', created_at: new Date(Date.UTC(2024, 0, 1, 0, i)) }),
      ),
    );
    const rae = tokenFor('rae');
    const responses = await Promise.all(failed.map(async (id) => await request(base).post(`/api/exports/${id}/retry`).set(bearer(rae))));
    expect(responses.filter((response) => response.status === 200)).toHaveLength(CAP);
    const refused = responses.filter((response) => response.status === 429);
    expect(refused).toHaveLength(PARALLEL - CAP);
    for (const response of refused) expect(response.body.message).toBe(refusal);
    expect(await activeIds(stack, 'rae')).toHaveLength(CAP);
  });
});

// One process alone cannot race on SQLite (better-sqlite3 runs the count and the insert without yielding); two can.
describe('The active-export cap across two API processes on one SQLite file (no worker)', () => {
  let stack: TestStack;
  let apis: ServiceProcess[];
  const bases = (): string[] => apis.map((api) => `http://127.0.0.1:${api.port}`);

  beforeAll(async () => {
    stack = await createTestStack({ database: 'sqlite', redis: true, env: { MAX_ACTIVE_EXPORTS: String(CAP) } });
    apis = await Promise.all([startService('api', stack.env), startService('api', stack.env)]);
  });

  afterAll(async () => {
    await Promise.all((apis ?? []).map((api) => api.stop()));
    await stack?.teardown();
  });

  it(`accepts ${CAP} of ${PARALLEL} simultaneous requests spread over both`, async () => {
    const responses = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => requestExport(bases()[i % 2], 'alice', i)));
    await expectCapHeld(stack, 'alice', responses);
  });

  it('lets only one of two requests that waited for the write lock at the same time take the last slot', async () => {
    for (let i = 0; i < CAP - 1; i++) expect((await requestExport(bases()[0], 'carol', i)).status).toBe(202);
    // Another writer holds SQLite's write lock (a long transaction elsewhere), so both requests queue up behind it.
    const writer = new Database(stack.config.database.kind === 'sqlite' ? stack.config.database.path : '');
    writer.exec('BEGIN IMMEDIATE');
    const racing = bases().map((base, i) => requestExport(base, 'carol', CAP + i));
    // Time for both processes to reach the lock; well inside their 5 s busy timeout.
    await sleep(1000);
    writer.exec('COMMIT');
    writer.close();
    const responses = await Promise.all(racing);
    expect(responses.map((response) => response.status).sort()).toEqual([202, 429]);
    expect(await activeIds(stack, 'carol')).toHaveLength(CAP);
  });
});
