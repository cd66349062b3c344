import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';

/** Spellings a case- and accent-insensitive collation (utf8mb4_unicode_ci) would take for `rita`. */
const LOOKALIKES = ['Rita', 'RITA', 'ríta'];
const BODY = { export_type: 'EZPASS', format: 'csv', filters: { from_posting_date: '2024-01-01' } };

describe('User ids compare byte for byte (MariaDB database created utf8mb4_unicode_ci)', () => {
  let stack: TestStack;
  let app: TestApp;
  const rita = tokenFor('rita');
  let exportId: number;
  let scheduleId: string;

  beforeAll(async () => {
    // No worker: rita's exports stay PENDING, so they also count against her active cap.
    stack = await createTestStack({ database: 'mariadb', redis: true, env: { MAX_ACTIVE_EXPORTS: '2' } });
    app = await startTestApp(stack, 'api');
    const created = await app.http().post('/api/exports/request').set(bearer(rita)).set('Idempotency-Key', 'jan-tolls').send(BODY);
    expect(created.status).toBe(202);
    exportId = created.body.export_id;
    expect((await app.http().post('/api/exports/request').set(bearer(rita)).send(BODY)).status).toBe(202);
    const schedule = await app
      .http()
      .post('/api/exports/schedules')
      .set(bearer(rita))
      .send({ cron: '0 2 1 * *', timezone: 'UTC', ...BODY, notify: { webhook_url: 'https://hooks.example.com/rita' } });
    expect(schedule.status).toBe(201);
    scheduleId = schedule.body.schedule_id;
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  it.each(LOOKALIKES)('%s gets 404 for each of rita’s exports and schedules', async (user) => {
    const token = tokenFor(user);
    for (const path of [`/api/exports/${exportId}/status`, `/api/exports/${exportId}/audit`, `/api/exports/schedules/${scheduleId}`]) {
      expect({ path, status: (await app.http().get(path).set(bearer(token))).status }).toEqual({ path, status: 404 });
    }
  });

  it.each(LOOKALIKES)('%s lists none of rita’s exports or schedules', async (user) => {
    const token = tokenFor(user);
    const exports = await app.http().get('/api/exports/my-exports').set(bearer(token));
    expect(exports.status).toBe(200);
    expect(exports.body).toMatchObject({ items: [], total_items: 0 });
    const schedules = await app.http().get('/api/exports/schedules').set(bearer(token));
    expect(schedules.status).toBe(200);
    expect(JSON.stringify(schedules.body)).not.toContain(scheduleId);
  });

  it.each(LOOKALIKES)('%s neither replays rita’s Idempotency-Key nor shares her active cap', async (user) => {
    const response = await app
      .http()
      .post('/api/exports/request')
      .set(bearer(tokenFor(user)))
      .set('Idempotency-Key', 'jan-tolls')
      .send(BODY);
    expect(response.status).toBe(202);
    expect(response.body.export_id).not.toBe(exportId);
  });

  it('still replays the key and applies the cap for rita herself', async () => {
    const replay = await app.http().post('/api/exports/request').set(bearer(rita)).set('Idempotency-Key', 'jan-tolls').send(BODY);
    expect(replay.status).toBe(200);
    expect(replay.body.export_id).toBe(exportId);
    expect((await app.http().post('/api/exports/request').set(bearer(rita)).send(BODY)).status).toBe(429);
  });
});
