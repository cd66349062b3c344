import request from 'supertest';
import type { DataSource } from 'typeorm';
import { download, expectedCsvRows, parseCsv, requestExport, waitForExport } from '../support/exports';
import { auditEventsOnce, exportFiles, jobRow, partialFiles, waitForJob } from '../support/faults/jobs';
import { ALL_EZPASS_COLUMNS, ezpassColumns, seedEzpass } from '../support/faults/seed';
import { startService, waitFor } from '../support/processes';
import type { ServiceProcess } from '../support/processes';
import { createTestStack } from '../support/test-app';
import type { TestStack } from '../support/test-app';
import { tokenFor } from '../support/tokens';

/** The server thread of an export's dedicated connection while it streams rows (not this query itself). */
async function streamingConnection(db: DataSource, database: string): Promise<number | undefined> {
  const rows: { ID: string | number }[] = await db.query(
    `SELECT ID FROM information_schema.PROCESSLIST
      WHERE DB = ? AND ID <> CONNECTION_ID() AND INFO LIKE 'SELECT%ezpass_transactions%ORDER BY%'`,
    [database],
  );
  return rows.length === 1 ? Number(rows[0].ID) : undefined;
}

describe('Database connection killed mid-export (MariaDB, BullMQ on Redis, API and worker as separate processes)', () => {
  let stack: TestStack;
  let api: ServiceProcess;
  let worker: ServiceProcess;
  const alice = tokenFor('alice');
  const http = () => request(`http://127.0.0.1:${api.port}`);

  beforeAll(async () => {
    stack = await createTestStack({
      database: 'mariadb',
      redis: true,
      env: { LOG_LEVEL: 'info', EXPORT_PROGRESS_MS: '100', EXPORT_LOCK_MS: '3000', EXPORT_CONCURRENCY: '1', EXPORT_ATTEMPTS: '3' },
    });
    await seedEzpass(stack.db, 200_000, 41);
    [api, worker] = await Promise.all([startService('api', stack.env), startService('worker', stack.env)]);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await stack?.teardown();
  });

  it('fails the attempt cleanly when its database connection is killed, and the retry writes exactly the right file', async () => {
    const database = stack.config.database.kind === 'mysql' ? stack.config.database.database : '';
    const id = await requestExport(http, alice, { export_type: 'EZPASS', format: 'csv', columns: ALL_EZPASS_COLUMNS, filters: {} });

    // Half-way: rows have reached the file and the query is still sending more.
    await waitForJob(stack.db, id, (job) => job.processed_records > 0);
    let thread: number | undefined;
    await waitFor(
      async () => (thread = await streamingConnection(stack.db, database)) !== undefined,
      10_000,
      () => 'the export query never showed up',
    );
    await stack.db.query(`KILL ${thread}`);

    // The attempt gives the job back for a retry, with the reason, and leaves no partial file.
    const retrying = await waitForJob(stack.db, id, (job) => job.status !== 'PROCESSING', 20_000);
    expect(retrying).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      error: expect.stringMatching(/^Attempt 1 failed \(The database connection was lost while reading rows\.\); retrying\.$/),
    });
    expect(partialFiles(stack.exportDir)).toEqual([]);
    expect(exportFiles(stack.exportDir, id)).toEqual([]);
    expect(await auditEventsOnce(stack.db, id, 'retrying')).toEqual([
      { event: 'created', detail: expect.any(String) },
      { event: 'started', detail: expect.stringMatching(/^attempt 1 /) },
      { event: 'retrying', detail: 'The database connection was lost while reading rows.' },
    ]);

    const final = await waitForExport(http, alice, id, { timeoutMs: 60_000 });
    expect(final.status).toBe('COMPLETED');
    expect((await auditEventsOnce(stack.db, id, 'completed')).map((event) => event.event)).toEqual([
      'created',
      'started',
      'retrying',
      'started',
      'completed',
    ]);
    const file = await download(http, alice, id);
    let t = Date.now();
    const [header, ...rows] = await parseCsv(file.body.toString('utf8'));
    const columns = ezpassColumns(ALL_EZPASS_COLUMNS);
    expect(header).toEqual(columns.map((column) => column.header));
    const expected = await expectedCsvRows(
      stack.db,
      columns,
      `SELECT ${ALL_EZPASS_COLUMNS.join(', ')} FROM ezpass_transactions ORDER BY posting_date, id`,
    );
    console.log('parse+sql', Date.now() - t); t = Date.now();
    expect(rows.length).toBe(expected.length);
    expect(rows).toEqual(expected);
    console.log('eq', Date.now() - t);
    expect((await jobRow(stack.db, id)).attempts).toBe(2);
    expect(exportFiles(stack.exportDir, id)).toHaveLength(1);
    expect(partialFiles(stack.exportDir)).toEqual([]);
  });
});
