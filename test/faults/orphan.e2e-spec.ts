import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { ExportJob } from '../../src/exports/export-job.entity';
import { bullJobId } from '../../src/exports/jobs/bullmq-export.queue';
import { ORPHANED_EXPORT_ERROR } from '../../src/exports/jobs/export-maintenance.service';
import { EXPORT_QUEUE } from '../../src/exports/jobs/export-queue';
import { redisOptions } from '../../src/redis/redis-options';
import { download, waitForExport } from '../support/exports';
import type { StatusBody } from '../support/exports';
import { startFaultApp } from '../support/faults/fault-app';
import { auditEvents, auditEventsOnce, exportFiles, insertJob, jobRow, waitForJob } from '../support/faults/jobs';
import { expectedEzpassIds, seedEzpass } from '../support/faults/seed';
import { startService } from '../support/processes';
import type { ServiceProcess } from '../support/processes';
import { createTestStack } from '../support/test-app';
import type { TestApp, TestStack } from '../support/test-app';
import { bearer, tokenFor } from '../support/tokens';

const LOCK_MS = 1000;
const secondsAgo = (seconds: number): Date => new Date(Date.now() - seconds * 1000);

/** The row a worker that died half-way leaves: PROCESSING, its claim and heartbeat a minute old. */
const silentProcessing = () => ({
  status: 'PROCESSING' as const,
  attempts: 1,
  processed_records: 1000,
  progress: 33,
  claim_token: randomUUID(),
  worker_id: 'gone-host:4242',
  created_at: secondsAgo(120),
  started_at: secondsAgo(110),
  heartbeat_at: secondsAgo(60),
});

describe('Maintenance sweep of a running worker (MariaDB, BullMQ on Redis, EXPORT_LOCK_MS=1000 so jobs are stale after 5 s)', () => {
  let stack: TestStack;
  let api: TestApp;
  let worker: ServiceProcess;
  const alice = tokenFor('alice');
  const http = () => api.http();

  beforeAll(async () => {
    stack = await createTestStack({
      database: 'mariadb',
      redis: true,
      env: { LOG_LEVEL: 'info', EXPORT_LOCK_MS: String(LOCK_MS), EXPORT_PROGRESS_MS: '100', EXPORT_ATTEMPTS: '1' },
    });
    await seedEzpass(stack.db, 3000, 71);
    // The worker logs at info (startService waits for its "listening" line); the in-process API is quiet.
    [api, worker] = await Promise.all([
      startFaultApp(stack, { role: 'api', env: { LOG_LEVEL: 'silent' } }),
      startService('worker', stack.env),
    ]);
  });

  afterAll(async () => {
    await Promise.all([api?.close(), worker?.stop()]);
    await stack?.teardown();
  });

  it('fails a PROCESSING export whose worker went silent with no retry left, with a clear error', async () => {
    const id = await insertJob(stack.db, silentProcessing());

    const final = await waitForExport(http, alice, id, { timeoutMs: 15_000, intervalMs: 200 });
    expect(final).toMatchObject<Partial<StatusBody>>({ status: 'FAILED', error: ORPHANED_EXPORT_ERROR });
    expect(final.error).toMatch(/stopped .* no retry is left\. Request the export again\./);
    expect(await jobRow(stack.db, id)).toMatchObject({ status: 'FAILED', claim_token: null, storage_key: null });
    expect(await auditEventsOnce(stack.db, id, 'failed')).toEqual([{ event: 'failed', detail: ORPHANED_EXPORT_ERROR }]);
    expect(exportFiles(stack.exportDir, id)).toEqual([]);
    expect((await http().get(`/api/exports/${id}/download`).set(bearer(alice))).status).toBe(409);
  });

  it('leaves a silent PROCESSING export alone while the queue still holds a retry of it', async () => {
    // Queued before it goes silent, so no sweep can catch it in between.
    const held = await insertJob(stack.db, { ...silentProcessing(), heartbeat_at: new Date() });
    const queue = new Queue(EXPORT_QUEUE, { connection: redisOptions(stack.config.redisUrl as string), prefix: stack.config.queuePrefix });
    try {
      await queue.add('export', { exportId: held }, { jobId: bullJobId(held), delay: 120_000 });
      await stack.db.getRepository(ExportJob).update(held, { heartbeat_at: secondsAgo(60) });
      // One sweep looks at every silent job: once the orphan inserted after it has failed, `held` was seen too.
      const orphan = await insertJob(stack.db, silentProcessing());
      await waitForJob(stack.db, orphan, (job) => job.status === 'FAILED', 15_000);

      expect(await jobRow(stack.db, held)).toMatchObject({ status: 'PROCESSING', error: null });
      expect(await auditEvents(stack.db, held)).toEqual([]);
    } finally {
      await queue.close();
    }
  });

  it('queues again a PENDING export the queue lost, and it completes with exactly the right rows', async () => {
    const id = await insertJob(stack.db, {
      status: 'PENDING',
      format: 'json',
      columns: JSON.stringify(['id', 'transaction_id', 'amount']),
      filters: JSON.stringify({ from_amount: '10' }),
      created_at: secondsAgo(60),
    });

    const final = await waitForExport(http, alice, id, { timeoutMs: 20_000, intervalMs: 200 });
    expect(final.status).toBe('COMPLETED');
    expect((await auditEventsOnce(stack.db, id, 'completed')).map((event) => event.event)).toEqual(['started', 'completed']);
    const items = JSON.parse((await download(http, alice, id)).body.toString('utf8')) as { id: number }[];
    expect(items.map((item) => item.id)).toEqual(await expectedEzpassIds(stack.db, 'amount >= 10'));
    expect(exportFiles(stack.exportDir, id)).toHaveLength(1);
  });
});
