import Redis from 'ioredis';
import request from 'supertest';
import { requestExport, waitForExport } from '../support/exports';
import { startOwnRedis } from '../support/faults/redis-server';
import type { OwnRedis } from '../support/faults/redis-server';
import { ezpassRows, insertRows } from '../support/factories';
import { startService, waitFor } from '../support/processes';
import type { ServiceProcess } from '../support/processes';
import { createTestStack } from '../support/test-app';
import type { TestStack } from '../support/test-app';
import { bearer, tokenFor } from '../support/tokens';

describe('Redis losing its data (own redis-server, MariaDB, API and worker as separate processes)', () => {
  let redis: OwnRedis;
  let stack: TestStack;
  let api: ServiceProcess;
  let worker: ServiceProcess;
  const alice = tokenFor('alice');
  const http = () => request(`http://127.0.0.1:${api.port}`);

  const scheduledExportIds = async (scheduleId: string): Promise<number[]> =>
    (await stack.db.query<{ id: number }[]>('SELECT id FROM export_jobs WHERE schedule_id = ? ORDER BY id', [scheduleId])).map((row) =>
      Number(row.id),
    );

  beforeAll(async () => {
    redis = await startOwnRedis();
    stack = await createTestStack({
      database: 'mariadb',
      redis: true,
      env: { REDIS_URL: redis.url, LOG_LEVEL: 'info', SCHEDULE_MIN_INTERVAL: '2s', SCHEDULE_RECONCILE_INTERVAL: '5s' },
    });
    await insertRows(stack.db, 'ezpass_transactions', ezpassRows(30, 8));
    [api, worker] = await Promise.all([startService('api', stack.env), startService('worker', stack.env)]);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await redis?.kill();
    await stack?.teardown();
  });

  it('brings a 2-second schedule back by itself after FLUSHDB, and an export requested right after completes', async () => {
    const created = await http()
      .post('/api/exports/schedules')
      .set(bearer(alice))
      .send({ cron: '*/2 * * * * *', timezone: 'UTC', export_type: 'EZPASS', format: 'csv' });
    expect(created.status).toBe(201);
    const scheduleId = (created.body as { schedule_id: string }).schedule_id;
    await waitFor(
      async () => (await scheduledExportIds(scheduleId)).length >= 2,
      30_000,
      () => `two scheduled exports before the flush:\n${worker.output().slice(-2000)}`,
    );

    const client = new Redis(redis.url);
    try {
      // In one transaction: the API and worker write keys again within milliseconds of the flush.
      expect(await client.multi().flushdb().dbsize().exec()).toEqual([
        [null, 'OK'],
        [null, 0],
      ]);
    } finally {
      client.disconnect();
    }
    const beforeFlush = Math.max(...(await scheduledExportIds(scheduleId)));

    const asked = await requestExport(http, alice, { export_type: 'EZPASS', format: 'json' });
    expect(await waitForExport(http, alice, asked, { timeoutMs: 30_000 })).toMatchObject({ status: 'COMPLETED', processed_records: 30 });

    // No restart: the workers' reconciliation registers the schedule again from export_schedules.
    await waitFor(
      async () => (await scheduledExportIds(scheduleId)).filter((id) => id > beforeFlush).length >= 2,
      60_000,
      () => `scheduled exports after the flush:\n${worker.output().slice(-2000)}`,
    );
    const after = (await scheduledExportIds(scheduleId)).filter((id) => id > beforeFlush);
    for (const id of after) expect((await waitForExport(http, alice, id, { timeoutMs: 30_000 })).status).toBe('COMPLETED');

    expect((await http().delete(`/api/exports/schedules/${scheduleId}`).set(bearer(alice))).status).toBe(204);
  });
});
