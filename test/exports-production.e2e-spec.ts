import { readdirSync } from 'node:fs';
import request from 'supertest';
import { EzpassExportQuery } from '../src/ezpass/ezpass-export.query';
import { download, expectedCsvRows, parseCsv, requestExport, waitForExport } from './support/exports';
import type { StatusBody } from './support/exports';
import { partialFiles } from './support/faults/jobs';
import { seedEzpass } from './support/faults/seed';
import { startService, waitFor } from './support/processes';
import type { ServiceProcess } from './support/processes';
import { createTestStack } from './support/test-app';
import type { TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';
import { oracleSql } from './support/oracle';

const columns = new EzpassExportQuery().columns.filter((column) => !column.optional);

describe('Exports in production shape (MariaDB, BullMQ on Redis, API and worker as separate processes)', () => {
  let stack: TestStack;
  let api: ServiceProcess;
  let worker: ServiceProcess;
  const alice = tokenFor('alice');
  const http = () => request(`http://127.0.0.1:${api.port}`);

  beforeAll(async () => {
    stack = await createTestStack({
      database: 'mariadb',
      redis: true,
      env: { LOG_LEVEL: 'info', EXPORT_PROGRESS_MS: '100', EXPORT_LOCK_MS: '3000', EXPORT_CONCURRENCY: '1' },
    });
    await seedEzpass(stack.db, 150_000, 11);
    [api, worker] = await Promise.all([startService('api', stack.env), startService('worker', stack.env)]);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await stack?.teardown();
  });

  it('goes PENDING → PROCESSING with rising progress → COMPLETED, and the CSV equals the SQL rows', async () => {
    const filters = {
      from_posting_date: '2024-01-01',
      to_posting_date: '2024-02-20',
      from_amount: '-20.00',
      to_amount: '35',
      status: ['POSTED_TO_LEDGER', 'PENDING'],
    };
    const id = await requestExport(http, alice, { export_type: 'EZPASS', format: 'csv', filters });
    const seen: StatusBody[] = [];
    const final = await waitForExport(http, alice, id, { intervalMs: 10, onStatus: (status) => seen.push(status) });

    expect(final.status).toBe('COMPLETED');
    const processing = seen.filter((s) => s.status === 'PROCESSING').map((s) => s.progress);
    expect(new Set(processing.filter((p) => p > 0 && p < 100)).size).toBeGreaterThanOrEqual(2);
    expect(processing).toEqual([...processing].sort((a, b) => a - b));

    const file = await download(http, alice, id);
    const [, ...rows] = await parseCsv(file.body.toString('utf8'));
    const expected = await expectedCsvRows(
      stack.db,
      columns,
      oracleSql(
        'EZPASS',
        columns.map((c) => c.key),
        "t.posting_date BETWEEN '2024-01-01' AND '2024-02-20' AND t.amount >= -20 AND t.amount <= 35 AND t.status IN ('POSTED_TO_LEDGER', 'PENDING')",
      ),
    );
    expect(rows.length).toBe(expected.length);
    expect(rows).toEqual(expected);
  });

  it('survives a worker killed with SIGKILL half-way: the job completes once with exactly the right rows, and its partial file goes', async () => {
    const id = await requestExport(http, alice, { export_type: 'EZPASS', format: 'json', filters: { from_amount: '0' } });
    let midway: StatusBody | undefined;
    await waitFor(async () => {
      const status = (await http().get(`/api/exports/${id}/status`).set(bearer(alice))).body as StatusBody;
      if (status.status === 'PROCESSING' && status.processed_records > 0) midway = status;
      return midway !== undefined || status.status === 'COMPLETED';
    }, 60_000);
    expect(midway).toBeDefined();
    worker.child.kill('SIGKILL');
    await worker.exited;
    const [killedAttemptsFile] = partialFiles(stack.exportDir);
    expect(killedAttemptsFile).toMatch(new RegExp(`^${id}-`));

    expect((await download(http, alice, id)).status).toBe(409);
    worker = await startService('worker', stack.env);

    const final = await waitForExport(http, alice, id, { timeoutMs: 60_000 });
    expect(final.status).toBe('COMPLETED');
    const items = JSON.parse((await download(http, alice, id)).body.toString('utf8')) as { transaction_id: string }[];
    const expected: { transaction_id: string }[] = await stack.db.query(
      'SELECT transaction_id FROM ezpass_transactions WHERE amount >= 0 ORDER BY posting_date, id',
    );
    expect(items.map((item) => item.transaction_id)).toEqual(expected.map((row) => row.transaction_id));
    expect(new Set(items.map((item) => item.transaction_id)).size).toBe(items.length);
    const [job]: { attempts: number }[] = await stack.db.query('SELECT attempts FROM export_jobs WHERE id = ?', [id]);
    expect(job.attempts).toBeGreaterThanOrEqual(2);
    expect(readdirSync(stack.exportDir).filter((name) => name.startsWith(`${id}-`))).toHaveLength(1);
    // The killed worker never discarded it: the workers' maintenance sweep does.
    await waitFor(
      async () => !partialFiles(stack.exportDir).includes(killedAttemptsFile),
      30_000,
      () => `${killedAttemptsFile} is still in .partial`,
    );
  });
});
