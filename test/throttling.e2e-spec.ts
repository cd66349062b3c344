import type { AddressInfo } from 'node:net';
import { createConnection } from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';
import request from 'supertest';
import type { ExportColumn } from '../src/exports/query/export-query.provider';
import { ExportQueryRegistry } from '../src/exports/query/export-query.registry';
import { LOAD_READING_MS } from '../src/exports/rows/server-load.probe';
import { download, expectedCsvRows, parseCsv, requestExport, waitForExport } from './support/exports';
import type { StatusBody } from './support/exports';
import { ezpassRows, insertRows } from './support/factories';
import { oracleSql } from './support/oracle';
import type { Dialect } from './support/oracle';
import { openSse } from './support/sse';
import { MARIADB_SERVER } from './support/test-env';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';

interface ThrottleStatus extends StatusBody {
  throttled: boolean;
  throttle_reason: string | null;
  snapshot_at: string | null;
}

const token = tokenFor('theo');
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const defaults = (app: TestApp): ExportColumn[] =>
  app.app
    .get(ExportQueryRegistry)
    .get('EZPASS')
    .columns.filter((column) => !column.optional);
const expectedSql = (columns: ExportColumn[], dialect: Dialect) =>
  oracleSql(
    'EZPASS',
    columns.map((column) => column.key),
    undefined,
    undefined,
    dialect,
  );

describe.each([
  ['SQLite', 'sqlite', 'sqlite'],
  ['MariaDB', 'mariadb', 'mysql'],
] as const)('EXPORT_MAX_ROWS_PER_SECOND caps an export’s read rate (%s)', (_label, database, dialect) => {
  const ROWS = 900;
  const RATE = 300;
  let stack: TestStack;
  let app: TestApp;

  beforeAll(async () => {
    stack = await createTestStack({
      database,
      redis: false,
      env: { EXPORT_MAX_ROWS_PER_SECOND: String(RATE), EXPORT_READ_BATCH_ROWS: '100', EXPORT_PROGRESS_MS: '100' },
    });
    await insertRows(stack.db, 'ezpass_transactions', ezpassRows(ROWS, 4));
    app = await startTestApp(stack);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  it('takes at least rows/rate seconds, says it is throttled while it runs, and writes exactly the rows', async () => {
    const seen: ThrottleStatus[] = [];
    const requested = Date.now();
    const id = await requestExport(app.http, token, { export_type: 'EZPASS', format: 'csv' });
    const final = (await waitForExport(app.http, token, id, {
      onStatus: (status) => seen.push(status as ThrottleStatus),
    })) as ThrottleStatus;
    const elapsed = Date.now() - requested;

    expect(final.status).toBe('COMPLETED');
    expect(elapsed).toBeGreaterThanOrEqual((ROWS / RATE) * 1000 - 250);
    expect(
      seen.some(
        (status) => status.status === 'PROCESSING' && status.throttled && status.throttle_reason === `rate capped at ${RATE} rows/s`,
      ),
    ).toBe(true);
    expect([final.throttled, final.throttle_reason]).toEqual([false, null]);
    expect(final.snapshot_at).not.toBeNull();

    const columns = defaults(app);
    const [, ...rows] = await parseCsv((await download(app.http, token, id)).body.toString('utf8'));
    const expected = await expectedCsvRows(stack.db, columns, expectedSql(columns, dialect));
    expect(expected).toHaveLength(ROWS);
    expect(rows).toEqual(expected);
  });
});

describe('EXPORT_MAX_DB_LOAD pauses an export while Threads_running is over the limit (MariaDB, API and worker apart)', () => {
  const ROWS = 3000;
  const SLEEPERS = 8;
  /** Longer than the stale-claim window (5 × EXPORT_LOCK_MS): a pause without heartbeats would lose the job. */
  const PAUSED_MS = 9000;
  let stack: TestStack;
  let api: TestApp;
  let worker: TestApp;
  let base: string;
  let limit: number;
  const http = () => request(base);

  async function threadsRunning(connection: Connection): Promise<number> {
    const [rows] = await connection.query("SHOW GLOBAL STATUS WHERE Variable_name = 'Threads_running'");
    return Number((rows as { Value: string }[])[0].Value);
  }

  /** Real load: sessions sleeping inside a statement count in Threads_running, until `end()` kills their statements. */
  async function loadServer(): Promise<{ end(): Promise<void> }> {
    const sleepers = await Promise.all(Array.from({ length: SLEEPERS }, () => createConnection(MARIADB_SERVER)));
    const sleeping = sleepers.map((connection) => connection.query('SELECT SLEEP(120)').catch(() => undefined));
    const admin = await createConnection(MARIADB_SERVER);
    while ((await threadsRunning(admin)) <= limit) await pause(50);
    // a worker's reading of the load may be up to LOAD_READING_MS old
    await pause(LOAD_READING_MS + 200);
    let ended = false;
    return {
      end: async () => {
        if (ended) return;
        ended = true;
        for (const connection of sleepers) await admin.query('KILL QUERY ?', [connection.threadId]).catch(() => undefined);
        await Promise.all(sleeping);
        await Promise.all([...sleepers, admin].map((connection) => connection.end()));
      },
    };
  }

  const statusOf = async (id: number) => (await http().get(`/api/exports/${id}/status`).set(bearer(token))).body as ThrottleStatus;

  /** Polls until the export is paused by the load limit after reading some rows. */
  async function pausedStatus(id: number): Promise<ThrottleStatus> {
    for (;;) {
      const status = await statusOf(id);
      if (status.throttled && status.processed_records > 0) return status;
      expect(status.status).toMatch(/PENDING|PROCESSING/);
      await pause(100);
    }
  }

  beforeAll(async () => {
    // Other test files share this server: the limit sits just above the quietest reading of its load.
    const probe = await createConnection(MARIADB_SERVER);
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      samples.push(await threadsRunning(probe));
      await pause(100);
    }
    await probe.end();
    limit = Math.min(...samples) + 3;
    stack = await createTestStack({
      database: 'mariadb',
      redis: true,
      env: {
        EXPORT_MAX_DB_LOAD: `Threads_running=${limit}`,
        EXPORT_READ_BATCH_ROWS: '100',
        EXPORT_PROGRESS_MS: '200',
        EXPORT_LOCK_MS: '1500',
        EXPORT_CONCURRENCY: '1',
      },
    });
    await insertRows(stack.db, 'ezpass_transactions', ezpassRows(ROWS, 5));
    [api, worker] = await Promise.all([startTestApp(stack, 'api'), startTestApp(stack, 'worker')]);
    await api.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await Promise.all([api?.close(), worker?.close()]);
    await stack?.teardown();
  });

  it('reads nothing while paused, keeps its claim and snapshot, then goes on and writes exactly the snapshot’s rows', async () => {
    const columns = defaults(api);
    const expected = await expectedCsvRows(stack.db, columns, expectedSql(columns, 'mysql'));

    const load = await loadServer();
    try {
      const id = await requestExport(http, token, { export_type: 'EZPASS', format: 'csv' });
      const stream = await openSse(`${base}/api/exports/${id}/events`, bearer(token));
      const paused = await pausedStatus(id);
      const [, value] = /^Threads_running (\d+) > (\d+)$/.exec(paused.throttle_reason ?? '') ?? [];
      expect(paused.throttle_reason).toMatch(new RegExp(`^Threads_running \\d+ > ${limit}$`));
      expect(Number(value)).toBeGreaterThan(limit);
      expect(paused.processed_records).toBeLessThan(ROWS);
      expect(paused.snapshot_at).not.toBeNull();
      await stream.until((event) => event.event === 'status' && (JSON.parse(event.data) as ThrottleStatus).throttled);

      // Rows arriving during the pause are after the snapshot: the file must not have them.
      await insertRows(stack.db, 'ezpass_transactions', ezpassRows(50, 6));
      await pause(PAUSED_MS);
      const still = await statusOf(id);
      expect([still.status, still.throttled, still.processed_records]).toEqual(['PROCESSING', true, paused.processed_records]);

      await load.end();
      const final = (await waitForExport(http, token, id)) as ThrottleStatus;
      expect(final.status).toBe('COMPLETED');
      expect([final.throttled, final.throttle_reason]).toEqual([false, null]);
      const [{ attempts }] = await stack.db.query<{ attempts: number }[]>('SELECT attempts FROM export_jobs WHERE id = ?', [id]);
      expect(Number(attempts)).toBe(1);
      const [, ...rows] = await parseCsv((await download(http, token, id)).body.toString('utf8'));
      expect(rows).toEqual(expected);
      stream.close();
    } finally {
      await load.end();
    }
  });

  it('cancels a paused export and frees its worker for the next one', async () => {
    const load = await loadServer();
    let next: number;
    try {
      const id = await requestExport(http, token, { export_type: 'EZPASS', format: 'csv' });
      await pausedStatus(id);
      expect((await http().post(`/api/exports/${id}/cancel`).set(bearer(token))).status).toBe(200);
      // one worker slot (EXPORT_CONCURRENCY=1): the next export waits for the cancelled one to let go
      next = await requestExport(http, token, { export_type: 'EZPASS', format: 'json' });
      await pausedStatus(next);
      expect((await statusOf(id)).status).toBe('CANCELLED');
    } finally {
      await load.end();
    }
    expect((await waitForExport(http, token, next)).status).toBe('COMPLETED');
  });
});
