import { ExportBusyError } from '../../src/exports/export.errors';
import { ExportRunner } from '../../src/exports/jobs/export-runner.service';
import type { RunOutcome } from '../../src/exports/jobs/export-runner.service';
import { download, requestExport } from '../support/exports';
import { RowGate, startFaultApp } from '../support/faults/fault-app';
import { auditEvents, exportFiles, jobRow, partialFiles } from '../support/faults/jobs';
import { expectedEzpassIds, seedEzpass } from '../support/faults/seed';
import { waitFor } from '../support/processes';
import { createTestStack } from '../support/test-app';
import type { TestApp, TestStack } from '../support/test-app';
import { tokenFor } from '../support/tokens';

const EXPORT = { export_type: 'EZPASS', format: 'json', columns: ['id', 'transaction_id', 'posting_date', 'amount'], filters: {} };

describe('The same export delivered to two workers (MariaDB, two API-role apps, no queue consumer)', () => {
  let stack: TestStack;
  const apps: TestApp[] = [];
  const alice = tokenFor('alice');

  beforeAll(async () => {
    stack = await createTestStack({ database: 'mariadb', redis: true, env: { EXPORT_PROGRESS_MS: '100' } });
    await seedEzpass(stack.db, 20_000, 61);
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  afterAll(async () => {
    await stack?.teardown();
  });

  async function expectProducedOnce(id: number, http: TestApp['http']): Promise<void> {
    expect((await jobRow(stack.db, id)).status).toBe('COMPLETED');
    const events = (await auditEvents(stack.db, id)).map((event) => event.event);
    expect(events.filter((event) => event === 'completed')).toHaveLength(1);
    expect(events).not.toContain('failed');
    expect(exportFiles(stack.exportDir, id)).toHaveLength(1);
    expect(partialFiles(stack.exportDir)).toEqual([]);
    const items = JSON.parse((await download(http, alice, id)).body.toString('utf8')) as { id: number }[];
    expect(items.map((item) => item.id)).toEqual(await expectedEzpassIds(stack.db));
  }

  it('produces the file once when two workers run the same export at the same moment; the other is told it is busy or skips', async () => {
    apps.push(await startFaultApp(stack, { role: 'api' }), await startFaultApp(stack, { role: 'api' }));
    const [first, second] = apps;
    const id = await requestExport(first.http, alice, EXPORT);

    const outcomes = await Promise.allSettled([first, second].map((app) => app.app.get(ExportRunner).run(id, { isLastAttempt: false })));

    const completed = outcomes.filter((outcome) => outcome.status === 'fulfilled' && outcome.value === 'completed');
    const others = outcomes.filter((outcome) => !completed.includes(outcome));
    expect(completed).toHaveLength(1);
    expect(others).toHaveLength(1);
    const [other] = others;
    if (other.status === 'rejected') expect(other.reason).toBeInstanceOf(ExportBusyError);
    else expect(other.value).toBe<RunOutcome>('skipped');
    expect((await jobRow(stack.db, id)).attempts).toBe(1);
    await expectProducedOnce(id, first.http);
  });

  it('refuses a second delivery while the first attempt is alive, and skips one that arrives after it completed', async () => {
    const gate = new RowGate();
    apps.push(await startFaultApp(stack, { role: 'api', gate }), await startFaultApp(stack, { role: 'api' }));
    const [held, other] = apps;
    const id = await requestExport(held.http, alice, EXPORT);

    const running = held.app.get(ExportRunner).run(id, { isLastAttempt: false });
    await gate.waiting;
    await expect(other.app.get(ExportRunner).run(id, { isLastAttempt: false })).rejects.toBeInstanceOf(ExportBusyError);
    gate.open();
    await expect(running).resolves.toBe<RunOutcome>('completed');
    await expect(other.app.get(ExportRunner).run(id, { isLastAttempt: true })).resolves.toBe<RunOutcome>('skipped');

    expect((await jobRow(stack.db, id)).attempts).toBe(1);
    await expectProducedOnce(id, other.http);
  });

  it('lets a worker take over an attempt that stopped sending heartbeats; the stalled attempt cannot complete it or leave its file', async () => {
    const gate = new RowGate();
    // The stalled attempt never beats during the test; the second worker trusts silence for 1 s only.
    apps.push(
      await startFaultApp(stack, { role: 'api', gate, env: { EXPORT_PROGRESS_MS: '60000' } }),
      await startFaultApp(stack, { role: 'api', env: { EXPORT_LOCK_MS: '1000' } }),
    );
    const [stalled, successor] = apps;
    const id = await requestExport(stalled.http, alice, EXPORT);

    const stalledRun = stalled.app.get(ExportRunner).run(id, { isLastAttempt: false });
    await gate.waiting;
    // As the queue would: the successor is told the export is busy until the stalled attempt's heartbeat is older than its lock.
    let takeover: RunOutcome | undefined;
    await waitFor(
      async () => {
        try {
          takeover = await successor.app.get(ExportRunner).run(id, { isLastAttempt: false });
          return true;
        } catch (error) {
          if (error instanceof ExportBusyError) return false;
          throw error;
        }
      },
      15_000,
      () => 'the successor never took the silent attempt over',
    );
    expect(takeover).toBe<RunOutcome>('completed');
    const completedKey = (await jobRow(stack.db, id)).storage_key;

    gate.open();
    await expect(stalledRun).resolves.toBe<RunOutcome>('lost');
    const job = await jobRow(stack.db, id);
    expect(job).toMatchObject({ status: 'COMPLETED', attempts: 2, storage_key: completedKey });
    expect(exportFiles(stack.exportDir, id)).toEqual([completedKey]);
    await expectProducedOnce(id, successor.http);
  });
});
