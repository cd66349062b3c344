import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { download, requestExport, waitForExport } from './support/exports';
import type { StatusBody } from './support/exports';
import { seedEzpass } from './support/faults/seed';
import { waitFor } from './support/processes';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';

const alice = tokenFor('alice');
const bob = tokenFor('bob');
const admin = tokenFor('ops', ['admin']);

describe('Operating exports through the API (MariaDB, BullMQ worker)', () => {
  let stack: TestStack;
  let app: TestApp;
  const status = async (id: number, token = alice): Promise<StatusBody> =>
    (await app.http().get(`/api/exports/${id}/status`).set(bearer(token))).body;

  beforeAll(async () => {
    stack = await createTestStack({
      database: 'mariadb',
      redis: true,
      env: { EXPORT_PROGRESS_MS: '100', EXPORT_LOCK_MS: '3000', EXPORT_RETENTION: '3s', EXPORT_CONCURRENCY: '1' },
    });
    await seedEzpass(stack.db, 120_000, 21);
    app = await startTestApp(stack);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  it('cancels a PROCESSING export within 2 s and removes its partial file', async () => {
    const id = await requestExport(app.http, alice, { export_type: 'EZPASS', format: 'json' });
    await waitFor(async () => (await status(id)).processed_records > 0, 30_000);
    const running = await status(id);
    expect(running.status).toBe('PROCESSING');
    expect(running).toMatchObject({ rows_per_second: expect.any(Number), eta_seconds: expect.any(Number) });

    const cancelled = await app.http().post(`/api/exports/${id}/cancel`).set(bearer(alice));
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    const partialDir = join(stack.exportDir, '.partial');
    await waitFor(
      () => !existsSync(partialDir) || readdirSync(partialDir).length === 0,
      2000,
      () => 'partial file still there after 2 s',
    );
    expect(readdirSync(stack.exportDir).filter((name) => name.startsWith(`${id}-`))).toEqual([]);
    expect((await download(app.http, alice, id)).status).toBe(409);
    expect((await status(id)).status).toBe('CANCELLED');
  });

  it('cancels a PENDING export so that it never runs', async () => {
    const blocker = await requestExport(app.http, alice, { export_type: 'EZPASS', format: 'json' });
    const queued = await requestExport(app.http, alice, { export_type: 'EZPASS', format: 'csv' });
    expect((await app.http().post(`/api/exports/${queued}/cancel`).set(bearer(alice))).body.status).toBe('CANCELLED');
    await app.http().post(`/api/exports/${blocker}/cancel`).set(bearer(alice));
    // One worker slot, first in first out: once a later export has run, the worker has had its turn at the cancelled one.
    const later = await requestExport(app.http, alice, {
      export_type: 'EZPASS',
      format: 'csv',
      filters: { plate_number: 'NO-SUCH-PLATE' },
    });
    expect((await waitForExport(app.http, alice, later)).status).toBe('COMPLETED');
    const after = await status(queued);
    expect(after).toMatchObject({ status: 'CANCELLED', processed_records: 0, started_at: null });
    const events = (await app.http().get(`/api/exports/${queued}/audit`).set(bearer(alice))).body.map((e: { event: string }) => e.event);
    expect(events).toEqual(['created', 'cancelled']);
  });

  it('refuses to cancel a finished export (409) and hides others\u2019 exports (404)', async () => {
    const id = await requestExport(app.http, alice, {
      export_type: 'EZPASS',
      format: 'csv',
      filters: { driver_id: 'D001', to_posting_date: '2024-01-05' },
    });
    await waitForExport(app.http, alice, id);
    expect((await app.http().post(`/api/exports/${id}/cancel`).set(bearer(alice))).status).toBe(409);
    expect((await app.http().post(`/api/exports/${id}/cancel`).set(bearer(bob))).status).toBe(404);
  });

  it('keeps an audit trail of created, started, completed and downloaded, with user and time', async () => {
    const id = await requestExport(app.http, alice, {
      export_type: 'EZPASS',
      format: 'csv',
      filters: { driver_id: 'D002', to_posting_date: '2024-01-05' },
    });
    await waitForExport(app.http, alice, id);
    await download(app.http, alice, id);
    const trail = (await app.http().get(`/api/exports/${id}/audit`).set(bearer(admin))).body as {
      event: string;
      user_id: string | null;
      at: string;
    }[];
    expect(trail.map((e) => e.event)).toEqual(['created', 'started', 'completed', 'downloaded']);
    expect(trail.find((e) => e.event === 'created')?.user_id).toBe('alice');
    expect(trail.find((e) => e.event === 'downloaded')?.user_id).toBe('alice');
    expect(Date.parse(trail[0].at)).not.toBeNaN();
    expect((await app.http().get(`/api/exports/${id}/audit`).set(bearer(bob))).status).toBe(404);
  });

  it('expires a finished file after the retention period: EXPIRED, file deleted, download 410', async () => {
    const id = await requestExport(app.http, alice, {
      export_type: 'EZPASS',
      format: 'csv',
      filters: { driver_id: 'D003', to_posting_date: '2024-01-05' },
    });
    const done = await waitForExport(app.http, alice, id);
    expect(Date.parse(done.expires_at as string) - Date.parse(done.completed_at as string)).toBeGreaterThanOrEqual(2000);
    await waitFor(
      async () => (await status(id)).status === 'EXPIRED',
      15_000,
      () => 'export did not expire',
    );
    const gone = await download(app.http, alice, id);
    expect(gone.status).toBe(410);
    expect(JSON.parse(gone.body.toString()).message).toContain('expired');
    expect(readdirSync(stack.exportDir).filter((name) => name.startsWith(`${id}-`))).toEqual([]);
  });

  describe('Idempotency-Key', () => {
    const body = { export_type: 'EZPASS', format: 'csv', filters: { driver_id: 'D004', to_posting_date: '2024-01-03' } };

    it('returns the same export for the same key and body', async () => {
      const first = await app.http().post('/api/exports/request').set(bearer(alice)).set('Idempotency-Key', 'k-1').send(body);
      const again = await app.http().post('/api/exports/request').set(bearer(alice)).set('Idempotency-Key', 'k-1').send(body);
      expect(first.status).toBe(202);
      expect(again.status).toBe(200);
      expect(again.body.export_id).toBe(first.body.export_id);
      const count = await stack.db.query("SELECT COUNT(*) AS n FROM export_jobs WHERE idempotency_key = 'k-1'");
      expect(Number(count[0].n)).toBe(1);
    });

    it('answers 422 for the same key with a different body, and keys are per user', async () => {
      const other = await app
        .http()
        .post('/api/exports/request')
        .set(bearer(alice))
        .set('Idempotency-Key', 'k-1')
        .send({ ...body, format: 'json' });
      expect(other.status).toBe(422);
      const bobs = await app.http().post('/api/exports/request').set(bearer(bob)).set('Idempotency-Key', 'k-1').send(body);
      expect(bobs.status).toBe(202);
    });
  });

  it('sends security headers', async () => {
    const response = await app.http().get('/api/health');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-powered-by']).toBeUndefined();
  });
});

describe('Limits (API only, nothing consumes the queue)', () => {
  let stack: TestStack;
  let app: TestApp;

  beforeAll(async () => {
    stack = await createTestStack({
      database: 'mariadb',
      redis: true,
      env: { MAX_ACTIVE_EXPORTS: '2', EXPORT_REQUESTS_PER_MINUTE: '4', CORS_ORIGINS: 'https://backoffice.example' },
    });
    app = await startTestApp(stack, 'api');
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  it('answers 429 with Retry-After once a user has the most active exports allowed', async () => {
    await requestExport(app.http, alice, { export_type: 'EZPASS', format: 'csv' });
    await requestExport(app.http, alice, { export_type: 'PVB', format: 'csv' });
    const third = await app.http().post('/api/exports/request').set(bearer(alice)).send({ export_type: 'CURB', format: 'csv' });
    expect(third.status).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    expect(third.body.message).toContain('2 exports pending or running');
    expect(Number((await stack.db.query("SELECT COUNT(*) AS n FROM export_jobs WHERE user_id = 'alice'"))[0].n)).toBe(2);
  });

  it('rate-limits export requests per user', async () => {
    const carol = tokenFor('carol');
    const codes: number[] = [];
    for (let i = 0; i < 5; i++)
      codes.push((await app.http().post('/api/exports/request').set(bearer(carol)).send({ export_type: 'NOPE' })).status);
    expect(codes).toEqual([400, 400, 400, 400, 429]);
    expect(
      (
        await app
          .http()
          .post('/api/exports/request')
          .set(bearer(tokenFor('dave')))
          .send({ export_type: 'NOPE' })
      ).status,
    ).toBe(400);
  });

  it('allows only the configured CORS origins', async () => {
    const allowed = await app
      .http()
      .options('/api/exports/my-exports')
      .set('Origin', 'https://backoffice.example')
      .set('Access-Control-Request-Method', 'GET');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://backoffice.example');
    const other = await app
      .http()
      .options('/api/exports/my-exports')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'GET');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
