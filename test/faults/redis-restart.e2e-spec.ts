import request from 'supertest';
import { download, requestExport, waitForExport } from '../support/exports';
import { auditEventsOnce, countJobs, exportFiles, jobRow, partialFiles, waitForJob } from '../support/faults/jobs';
import { startOwnRedis } from '../support/faults/redis-server';
import type { OwnRedis } from '../support/faults/redis-server';
import { ALL_EZPASS_COLUMNS, expectedEzpassIds, seedEzpass } from '../support/faults/seed';
import { startService, waitFor } from '../support/processes';
import type { ServiceProcess } from '../support/processes';
import { createTestStack } from '../support/test-app';
import type { TestStack } from '../support/test-app';
import { bearer, tokenFor } from '../support/tokens';

const EXPORT = { export_type: 'EZPASS', format: 'json', columns: ALL_EZPASS_COLUMNS };

describe('Redis restarts (own redis-server, MariaDB, API and worker as separate processes)', () => {
  let redis: OwnRedis;
  let stack: TestStack;
  let api: ServiceProcess;
  let worker: ServiceProcess;
  const alice = tokenFor('alice');
  const http = () => request(`http://127.0.0.1:${api.port}`);

  /** Redis is back for the API once its health check says so (it reconnects on its own). */
  const redisHealthy = async (): Promise<boolean> => (await http().get('/api/health')).status === 200;

  beforeAll(async () => {
    redis = await startOwnRedis();
    stack = await createTestStack({
      database: 'mariadb',
      redis: true,
      env: { REDIS_URL: redis.url, LOG_LEVEL: 'info', EXPORT_PROGRESS_MS: '100', EXPORT_LOCK_MS: '3000', EXPORT_CONCURRENCY: '1' },
    });
    await seedEzpass(stack.db, 200_000, 31);
    [api, worker] = await Promise.all([startService('api', stack.env), startService('worker', stack.env)]);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await redis?.kill();
    await stack?.teardown();
  });

  it('completes an export with exactly the right rows when Redis dies mid-export and comes back, and the worker takes new jobs again', async () => {
    const id = await requestExport(http, alice, { ...EXPORT, filters: { from_amount: '0' } });
    const midway = await waitForJob(
      stack.db,
      id,
      (job) => (job.status === 'PROCESSING' && job.processed_records > 0) || job.status === 'COMPLETED',
    );
    expect(midway.status).toBe('PROCESSING');

    await redis.kill();
    expect((await jobRow(stack.db, id)).status).toBe('PROCESSING');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await redis.start();
    await waitFor(redisHealthy, 20_000, () => `API health never recovered:\n${api.output().slice(-2000)}`);

    const final = await waitForExport(http, alice, id, { timeoutMs: 60_000 });
    expect(final.status).toBe('COMPLETED');
    expect((await auditEventsOnce(stack.db, id, 'completed')).filter((event) => event.event === 'completed')).toHaveLength(1);
    const items = JSON.parse((await download(http, alice, id)).body.toString('utf8')) as { id: number }[];
    expect(items.map((item) => item.id)).toEqual(await expectedEzpassIds(stack.db, 'amount >= 0'));
    expect(exportFiles(stack.exportDir, id)).toHaveLength(1);

    // The restarted Redis is empty: only a worker that reconnected can take this one.
    const next = await requestExport(http, alice, { ...EXPORT, filters: { plate_number: 'T100007C' } });
    const nextFinal = await waitForExport(http, alice, next, { timeoutMs: 30_000 });
    expect(nextFinal.status).toBe('COMPLETED');
    const nextItems = JSON.parse((await download(http, alice, next)).body.toString('utf8')) as { id: number }[];
    expect(nextItems.map((item) => item.id)).toEqual(await expectedEzpassIds(stack.db, 'plate_number = ?', ['T100007C']));
    expect(partialFiles(stack.exportDir)).toEqual([]);
  });

  it('answers 503 at once and creates nothing while Redis is down, and accepts the request again once Redis is back', async () => {
    const jobsBefore = await countJobs(stack.db);
    await redis.kill();
    try {
      const started = Date.now();
      const refused = await http()
        .post('/api/exports/request')
        .set(bearer(alice))
        .send({ ...EXPORT, filters: { plate_number: 'T100011C' } });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ message: expect.stringMatching(/queue is unavailable.*no export was created/i) });
      expect(JSON.stringify(refused.body)).not.toMatch(/ECONNREFUSED|enableOfflineQueue|\bat .*\.js/);
      expect(await countJobs(stack.db)).toBe(jobsBefore);
    } finally {
      await redis.start();
    }
    await waitFor(redisHealthy, 20_000, () => `API health never recovered:\n${api.output().slice(-2000)}`);

    // The queue connection reconnects on its own schedule (within 2 s); until then requests still get 503.
    let accepted: request.Response | undefined;
    await waitFor(async () => {
      accepted = await http()
        .post('/api/exports/request')
        .set(bearer(alice))
        .send({ ...EXPORT, filters: { plate_number: 'T100011C' } });
      return accepted.status !== 503;
    }, 10_000);
    expect(accepted?.status).toBe(202);
    const id = (accepted?.body as { export_id: number }).export_id;
    expect(await countJobs(stack.db)).toBe(jobsBefore + 1);
    const final = await waitForExport(http, alice, id, { timeoutMs: 30_000 });
    expect(final.status).toBe('COMPLETED');
    const items = JSON.parse((await download(http, alice, id)).body.toString('utf8')) as { id: number }[];
    expect(items.map((item) => item.id)).toEqual(await expectedEzpassIds(stack.db, 'plate_number = ?', ['T100011C']));
  });
});
