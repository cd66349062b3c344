import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';

describe('Location headers on created resources (embedded profile)', () => {
  let stack: TestStack;
  let app: TestApp;
  const alice = tokenFor('alice');

  beforeAll(async () => {
    stack = await createTestStack({ database: 'sqlite', redis: false });
    app = await startTestApp(stack);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  it('answers 202 with Location at the status URL of the new export, and a replay (200) without it', async () => {
    const body = { export_type: 'EZPASS', format: 'csv' };
    const accepted = await app.http().post('/api/exports/request').set(bearer(alice)).set('Idempotency-Key', 'location-1').send(body);
    expect(accepted.status).toBe(202);
    expect(accepted.headers.location).toBe(`/api/exports/${accepted.body.export_id}/status`);

    const status = await app.http().get(accepted.headers.location).set(bearer(alice));
    expect(status.status).toBe(200);
    expect(status.body.export_id).toBe(accepted.body.export_id);

    const replay = await app.http().post('/api/exports/request').set(bearer(alice)).set('Idempotency-Key', 'location-1').send(body);
    expect(replay.status).toBe(200);
    expect(replay.headers.location).toBeUndefined();
  });

  it("answers 201 with Location at the new schedule's URL", async () => {
    const created = await app
      .http()
      .post('/api/exports/schedules')
      .set(bearer(alice))
      .send({ cron: '0 2 1 * *', timezone: 'UTC', export_type: 'EZPASS', format: 'csv' });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/api/exports/schedules/${created.body.schedule_id}`);

    const schedule = await app.http().get(created.headers.location).set(bearer(alice));
    expect(schedule.status).toBe(200);
    expect(schedule.body).toMatchObject({ schedule_id: created.body.schedule_id, cron: '0 2 1 * *' });
  });
});
