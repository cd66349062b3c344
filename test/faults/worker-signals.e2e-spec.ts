import request from 'supertest';
import { download, requestExport, waitForExport } from '../support/exports';
import { auditEventsOnce, exportFiles, partialFiles, waitForJob } from '../support/faults/jobs';
import { ALL_EZPASS_COLUMNS, expectedEzpassIds, seedEzpass } from '../support/faults/seed';
import { startService } from '../support/processes';
import type { ServiceProcess } from '../support/processes';
import { createTestStack } from '../support/test-app';
import type { TestStack } from '../support/test-app';
import { tokenFor } from '../support/tokens';

describe('SIGTERM to a process running an export (MariaDB, BullMQ on Redis, separate processes)', () => {
  let stack: TestStack;
  let api: ServiceProcess;
  const started: ServiceProcess[] = [];
  const alice = tokenFor('alice');
  const http = () => request(`http://127.0.0.1:${api.port}`);

  async function start(role: 'worker' | 'all'): Promise<ServiceProcess> {
    const service = await startService(role, stack.env);
    started.push(service);
    return service;
  }

  /**
   * Requests an export, sends SIGTERM to `service` once it is half-way, then starts a replacement
   * worker (as a rolling deploy would), which must not produce the export a second time.
   */
  async function terminateMidExport(service: ServiceProcess): Promise<{ id: number; exitCode: number | string }> {
    const id = await requestExport(http, alice, {
      export_type: 'EZPASS',
      format: 'json',
      columns: ALL_EZPASS_COLUMNS,
      filters: { from_amount: '0' },
    });
    const midway = await waitForJob(
      stack.db,
      id,
      (job) => (job.status === 'PROCESSING' && job.processed_records > 0) || job.status === 'COMPLETED',
    );
    expect(midway.status).toBe('PROCESSING');
    service.child.kill('SIGTERM');
    const exitCode = await service.exited;
    await start('worker');
    return { id, exitCode };
  }

  async function expectProducedOnce(id: number): Promise<void> {
    const final = await waitForExport(http, alice, id, { timeoutMs: 60_000 });
    expect(final.status).toBe('COMPLETED');
    // One attempt, never re-run: the terminated process drained it and the replacement left it alone.
    const events = (await auditEventsOnce(stack.db, id, 'completed')).map((event) => event.event);
    expect(events).toEqual(['created', 'started', 'completed']);
    const file = await download(http, alice, id);
    expect(file.status).toBe(200);
    const items = JSON.parse(file.body.toString('utf8')) as { id: number }[];
    expect(items.map((item) => item.id)).toEqual(await expectedEzpassIds(stack.db, 'amount >= 0'));
    expect(final.processed_records).toBe(items.length);
    expect(exportFiles(stack.exportDir, id)).toHaveLength(1);
    expect(partialFiles(stack.exportDir)).toEqual([]);
  }

  beforeAll(async () => {
    stack = await createTestStack({
      database: 'mariadb',
      redis: true,
      env: { LOG_LEVEL: 'info', EXPORT_PROGRESS_MS: '100', EXPORT_LOCK_MS: '3000', EXPORT_CONCURRENCY: '1' },
    });
    await seedEzpass(stack.db, 150_000, 21);
    api = await startService('api', stack.env);
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((service) => service.stop('SIGKILL')));
  });

  afterAll(async () => {
    await api?.stop();
    await stack?.teardown();
  });

  it('a worker drains its running export on SIGTERM and exits 0; the export completes once with exactly the right rows', async () => {
    const { id, exitCode } = await terminateMidExport(await start('worker'));
    await expectProducedOnce(id);
    expect(exitCode).toBe(0);
  });

  it('an API-and-worker process (npm start) drains its running export on SIGTERM and exits 0; the export completes once', async () => {
    const { id, exitCode } = await terminateMidExport(await start('all'));
    await expectProducedOnce(id);
    expect(exitCode).toBe(0);
  });
});
