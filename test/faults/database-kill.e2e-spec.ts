import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { ExportRunner } from '../../src/exports/jobs/export-runner.service';
import { download, requestExport, waitForExport } from '../support/exports';
import { RowGate, startFaultApp } from '../support/faults/fault-app';
import { auditEventsOnce, exportFiles, insertJob, jobRow, partialFiles, waitForJob } from '../support/faults/jobs';
import { ALL_EZPASS_COLUMNS, expectedEzpassIds, ezpassColumns, seedEzpass } from '../support/faults/seed';
import { startService, waitFor } from '../support/processes';
import type { ServiceProcess } from '../support/processes';
import { createTestStack } from '../support/test-app';
import type { TestApp, TestStack } from '../support/test-app';
import { tokenFor } from '../support/tokens';

const EXPORT = { export_type: 'EZPASS', format: 'csv', columns: ALL_EZPASS_COLUMNS, filters: {} };
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

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
    const id = await requestExport(http, alice, EXPORT);

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
    expect(file.status).toBe(200);
    // Every row, in order: the ID column against SQL, and every byte against an export no fault touched.
    const lines: string[] = file.body.toString('utf8').split('\r\n');
    expect(lines.pop()).toBe('');
    const header = ezpassColumns(ALL_EZPASS_COLUMNS).map((column) => column.header);
    expect(lines[0]).toBe(`\uFEFF${header.join(',')}`);
    expect(lines.slice(1).map((line) => Number(line.slice(0, line.indexOf(','))))).toEqual(await expectedEzpassIds(stack.db));
    const reference = await requestExport(http, alice, EXPORT);
    expect((await waitForExport(http, alice, reference, { timeoutMs: 60_000 })).status).toBe('COMPLETED');
    expect(sha256((await download(http, alice, reference)).body)).toBe(sha256(file.body));
    expect((await jobRow(stack.db, id)).attempts).toBe(2);
    expect(exportFiles(stack.exportDir, id)).toHaveLength(1);
    expect(partialFiles(stack.exportDir)).toEqual([]);
  });
});

describe('Database connection killed while a finished export is being recorded (MariaDB, in-process runner)', () => {
  let stack: TestStack;
  let app: TestApp;
  const gate = new RowGate();

  beforeAll(async () => {
    stack = await createTestStack({ database: 'mariadb', redis: true });
    await seedEzpass(stack.db, 5000, 42);
    // API role: nothing consumes the queue, the test runs the attempts. No progress beats to get in the way.
    app = await startFaultApp(stack, { role: 'api', gate, env: { EXPORT_PROGRESS_MS: '60000' } });
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  it('keeps no file when the completion write loses its connection after the file was committed, and the retry completes', async () => {
    const database = stack.config.database.kind === 'mysql' ? stack.config.database.database : '';
    const id = await insertJob(stack.db, {
      status: 'PENDING',
      format: 'csv',
      columns: JSON.stringify(['id', 'transaction_id']),
      created_at: new Date(),
    });
    const runner = app.app.get(ExportRunner);
    const attempt = runner.run(id, { isLastAttempt: false });
    const attemptSettled = attempt.catch((error: unknown) => error);
    await gate.waiting;

    // Hold the job's row, so the attempt's completion write waits where the test can find and kill it.
    const locker = stack.db.createQueryRunner();
    await locker.connect();
    try {
      await locker.startTransaction();
      await locker.query('SELECT id FROM export_jobs WHERE id = ? FOR UPDATE', [id]);
      gate.open();
      await waitFor(
        () => exportFiles(stack.exportDir, id).length === 1,
        20_000,
        () => 'the attempt never committed its file',
      );
      let thread: number | undefined;
      await waitFor(
        async () => {
          const rows: { ID: string | number }[] = await stack.db.query(
            `SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID() AND INFO LIKE 'UPDATE%export_jobs%COMPLETED%'`,
            [database],
          );
          thread = rows.length === 1 ? Number(rows[0].ID) : undefined;
          return thread !== undefined;
        },
        10_000,
        () => 'the completion write never showed up',
      );
      await stack.db.query(`KILL ${thread}`);
    } finally {
      await locker.rollbackTransaction();
      await locker.release();
    }

    expect(await attemptSettled).toMatchObject({ code: expect.stringMatching(/ER_CONNECTION_KILLED|PROTOCOL_CONNECTION_LOST/) });
    expect(await jobRow(stack.db, id)).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      storage_key: null,
      error: expect.stringMatching(/^Attempt 1 failed \(The database connection was lost/),
    });
    expect(exportFiles(stack.exportDir, id)).toEqual([]);
    expect(partialFiles(stack.exportDir)).toEqual([]);

    await expect(runner.run(id, { isLastAttempt: true })).resolves.toBe('completed');
    const job = await jobRow(stack.db, id);
    expect(job).toMatchObject({ status: 'COMPLETED', attempts: 2 });
    expect(exportFiles(stack.exportDir, id)).toEqual([job.storage_key]);
    const rows: { id: string; transaction_id: string }[] = await stack.db.query(
      'SELECT id, transaction_id FROM ezpass_transactions ORDER BY posting_date, id',
    );
    const file = await readFile(join(stack.exportDir, job.storage_key as string), 'utf8');
    expect(file).toBe(`\uFEFFID,Transaction ID\r\n${rows.map((row) => `${row.id},${row.transaction_id}\r\n`).join('')}`);
  });
});
