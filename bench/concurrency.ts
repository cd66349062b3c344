/**
 * Concurrency benchmark on the real production path: several whole-table CSV exports at once on
 * separate worker processes behind one API process (MariaDB + Redis), while
 *  - autocannon polls `GET /api/exports/{id}/status` on the API from its own process (the latency under
 *    export load), and
 *  - a separate connection inserts single rows into `ezpass_transactions` (its latency against the
 *    same writer with no export running: exports read in a REPEATABLE READ snapshot and take no locks).
 *
 * Called by bench.ts on a database holding exactly `rows` EZPass rows; the rows it inserts are
 * deleted afterwards, so the table keeps its count.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Redis from 'ioredis';
import { sign } from 'jsonwebtoken';
import { createConnection } from 'mysql2/promise';
import type { Connection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import {
  cpuSeconds,
  freePort,
  machineCpu,
  nodeFlags,
  peakRssMb,
  percentile,
  sleep,
  start,
  stop,
  waitHealthy,
  waitWorkerReady,
} from './bench-support';
import type { StatusLoadReport, StatusLoadSettings } from './status-load';

export interface ConcurrencyOptions {
  /** A MariaDB database holding exactly `rows` EZPass rows (migrated). */
  databaseUrl: string;
  redisUrl: string;
  rows: number;
  log: (line: string) => void;
  /** Concurrent exports (4). */
  exports?: number;
  /** Worker processes (2), each with EXPORT_CONCURRENCY = `workerConcurrency` (2). */
  workers?: number;
  workerConcurrency?: number;
  /** autocannon connections on the status route (10) and their overall rate in requests/s (100; 0: unbounded). */
  statusConnections?: number;
  statusRate?: number;
  /** Inserts with no export running (200), then one every `insertIntervalMs` (20) during the exports, at most `maxInserts` (10,000). */
  idleInserts?: number;
  insertIntervalMs?: number;
  maxInserts?: number;
  /** Give up on the exports after this long (20 min). */
  timeoutMs?: number;
  /** Status load with the same settings for this long once the exports are done, for comparison (5). */
  idleStatusSeconds?: number;
  /** Extra environment of the API and workers, e.g. `EXPORT_MAX_DB_LOAD` for a throttled run. */
  env?: Record<string, string>;
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface ConcurrentExport {
  id: number;
  /** `host:pid` of the worker that produced it. */
  worker: string | null;
  processedRecords: number;
  /** COUNT(*) taken by the export inside its own snapshot. */
  totalRecords: number;
  /** Inserts committed when the export was seen COMPLETED: its snapshot cannot hold more new rows. */
  insertsBeforeCompleted: number;
  seconds: number;
  bytes: number;
}

export interface ConcurrencyResult {
  date: string;
  rows: number;
  format: 'csv';
  exports: number;
  workers: number;
  workerConcurrency: number;
  /** The node flags of `npm run start:<role>` the processes ran with. */
  nodeFlags: { api: string[]; worker: string[] };
  /** First POST /request to the last export seen COMPLETED (status polled every 100 ms). */
  wallSeconds: number;
  /** Sum of processed records over the wall time. */
  rowsPerSecond: number;
  jobs: ConcurrentExport[];
  workerPeakRssMb: number[];
  apiPeakRssMb: number;
  /** Every export wrote its snapshot's COUNT, which lies between `rows` and `rows` + inserts made so far. */
  countsOk: boolean;
  countProblems: string[];
  status: LatencySummary & {
    connections: number;
    rate: number;
    seconds: number;
    non2xx: number;
    errors: number;
    targetP99Ms: number;
    ok: boolean;
    /** The same load on the same (finished) exports once nothing runs. */
    idle: LatencySummary;
  };
  inserts: {
    intervalMs: number;
    idle: LatencySummary;
    during: LatencySummary;
    /** p99 during the exports / p99 idle. */
    p99Ratio: number;
    targetRatio: number;
    ok: boolean;
  };
  /** COUNT(*) of the table after the inserted rows were deleted (must equal `rows`). */
  rowsAfter: number;
  /** While the exports ran: what helps to read the latencies on a small, shared machine. */
  diagnostics: {
    /** Machine-wide CPU busy (not idle, not iowait), all cores: other programs' load included. */
    machineCpuBusyPercent: number;
    /** CPU seconds used by the API process, each worker, this process (the inserter) and the status load's. */
    cpuSeconds: { api: number; workers: number[]; bench: number; statusLoad: number };
    /** Event-loop delay p99 in this process, where the inserter takes its times. */
    benchEventLoopDelayP99Ms: number;
    /** Server-wide `Innodb_row_lock_waits` / `Innodb_row_lock_time` increase: 0 when no statement waited on a row lock. */
    innodbRowLockWaits: number;
    innodbRowLockTimeMs: number;
  };
  ok: boolean;
}

const SECRET = 'bench-concurrency-secret-bench-concurrency-0123';
const INSERT_PREFIX = 'BENCHINS-';
const STATUS_TARGET_P99_MS = 50;
/** Issue targets: inserts at most 3× slower while exports run throttled by EXPORT_MAX_DB_LOAD, 2× without. */
const INSERT_TARGET_RATIO = { throttled: 3, unthrottled: 2 };
const POLL_MS = 100;

interface StatusBody {
  status: string;
  processed_records: number;
  total_records: number | null;
  file_size: number | null;
  error?: string;
}

function summarize(samples: readonly number[]): LatencySummary {
  return {
    count: samples.length,
    p50Ms: percentile(samples, 50),
    p99Ms: percentile(samples, 99),
    maxMs: samples.length === 0 ? Number.NaN : samples.reduce((max, value) => (value > max ? value : max), -Infinity),
  };
}

async function count(db: Connection, where = ''): Promise<number> {
  const [rows] = await db.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ezpass_transactions ${where}`);
  return Number(rows[0].n);
}

async function rowLockStatus(db: Connection): Promise<{ waits: number; timeMs: number }> {
  const [rows] = await db.query<RowDataPacket[]>(
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_row_lock_waits', 'Innodb_row_lock_time')",
  );
  const value = (name: string): number => Number(rows.find((row) => row.Variable_name === name)?.Value ?? 0);
  return { waits: value('Innodb_row_lock_waits'), timeMs: value('Innodb_row_lock_time') };
}

/** The run's own BullMQ keys, once its processes are gone. */
async function deleteQueueKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function deleteInserted(db: Connection): Promise<number> {
  const [result] = await db.query<ResultSetHeader>('DELETE FROM ezpass_transactions WHERE transaction_id LIKE ?', [`${INSERT_PREFIX}%`]);
  return result.affectedRows;
}

/**
 * Single-row autocommitted inserts on its own connection, one every `intervalMs` on a fixed
 * schedule (a slow insert is followed by the next at once, so stalls are not hidden).
 */
class Inserter {
  committed = 0;
  private sequence = 0;

  constructor(
    private readonly db: Connection,
    private readonly intervalMs: number,
  ) {}

  async run(limit: number, keepGoing: () => boolean): Promise<number[]> {
    const latencies: number[] = [];
    const started = performance.now();
    for (let i = 0; i < limit && keepGoing(); i++) {
      const due = started + i * this.intervalMs;
      const now = performance.now();
      if (due > now) await sleep(due - now);
      const transactionId = `${INSERT_PREFIX}${process.pid}-${++this.sequence}`;
      const before = performance.now();
      await this.db.execute(
        `INSERT INTO ezpass_transactions (transaction_id, transaction_date, posting_date, plate_number, plate_state, tag_number,
           agency, entry_plaza, exit_plaza, vehicle_class, amount, status, driver_id, medallion_no, vin, created_at)
         VALUES (?, NOW(), CURDATE(), 'BENCH01', 'NY', '00000000000', 'MTA', 'Bench Plaza', NULL, '1', 6.94, 'POSTED', NULL, NULL, NULL, NOW())`,
        [transactionId],
      );
      latencies.push(performance.now() - before);
      this.committed++;
    }
    return latencies;
  }
}

interface StatusLoad {
  report: Promise<StatusLoadReport>;
  stop: () => void;
  /** The load generator's CPU seconds so far. */
  cpuSeconds: () => number;
}

/** Status polls from their own process (status-load.ts), until stopped. */
function statusLoad(settings: StatusLoadSettings): StatusLoad {
  const child = fork(join(__dirname, 'status-load.js'), [JSON.stringify(settings)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const report = new Promise<StatusLoadReport>((resolve, reject) => {
    child.once('message', (message) => resolve(message as StatusLoadReport));
    child.once('exit', (code) => reject(new Error(`the status load generator exited (${code}) without a report`)));
  });
  return {
    report,
    stop: () => {
      if (child.connected) child.send('stop');
    },
    cpuSeconds: () => cpuSeconds(child.pid as number),
  };
}

export async function runConcurrency(options: ConcurrencyOptions): Promise<ConcurrencyResult> {
  const { databaseUrl, redisUrl, rows, log } = options;
  const exportCount = options.exports ?? 4;
  const workerCount = options.workers ?? 2;
  const workerConcurrency = options.workerConcurrency ?? 2;
  const statusConnections = options.statusConnections ?? 10;
  const statusRate = options.statusRate ?? 100;
  const idleInserts = options.idleInserts ?? 200;
  const intervalMs = options.insertIntervalMs ?? 20;
  const maxInserts = options.maxInserts ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 20 * 60_000;
  const idleStatusSeconds = options.idleStatusSeconds ?? 5;
  const insertTargetRatio = options.env?.EXPORT_MAX_DB_LOAD ? INSERT_TARGET_RATIO.throttled : INSERT_TARGET_RATIO.unthrottled;

  const admin = await createConnection(databaseUrl);
  let writer: Connection | undefined;
  const processes: ChildProcess[] = [];
  const jobIds: number[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'bench-concurrency-'));
  const queuePrefix = `bench_conc_${process.pid}_${Date.now()}`;
  try {
    // A run killed half-way may have left its rows behind.
    const leftovers = await deleteInserted(admin);
    if (leftovers > 0) log(`  removed ${leftovers} rows left by an earlier run`);
    const initial = await count(admin);
    if (initial !== rows) throw new Error(`ezpass_transactions holds ${initial} rows, expected ${rows}`);
    writer = await createConnection(databaseUrl);
    const inserter = new Inserter(writer, intervalMs);

    const port = await freePort();
    const flags = { api: nodeFlags('api'), worker: nodeFlags('worker') };
    const env = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: queuePrefix,
      JWT_SECRET: SECRET,
      EXPORT_DIR: dir,
      PORT: String(port),
      EXPORT_CONCURRENCY: String(workerConcurrency),
      MAX_ACTIVE_EXPORTS: String(Math.max(5, exportCount)),
      // The status load is one user polling far above the per-user default of 600 requests/min.
      RATE_LIMIT_PER_MINUTE: '10000000',
      ...options.env,
    };
    const api = start('api', env);
    processes.push(api);
    api.stdout?.resume();
    const workers = Array.from({ length: workerCount }, () => start('worker', { ...env, LOG_LEVEL: 'info' }));
    processes.push(...workers);
    await Promise.all([waitHealthy(port), ...workers.map((worker) => waitWorkerReady(worker))]);

    log(`  idle: ${idleInserts} inserts, one every ${intervalMs} ms, no export running ...`);
    const idle = summarize(await inserter.run(idleInserts, () => true));
    await deleteInserted(admin);
    inserter.committed = 0;

    const token = sign({ roles: [] }, SECRET, { subject: 'bench-concurrency', expiresIn: '2h' });
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const started = Date.now();
    for (let i = 0; i < exportCount; i++) {
      const response = await fetch(`http://127.0.0.1:${port}/api/exports/request`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ export_type: 'EZPASS', format: 'csv' }),
      });
      if (response.status !== 202) throw new Error(`request answered ${response.status}: ${await response.text()}`);
      jobIds.push(((await response.json()) as { export_id: number }).export_id);
    }
    log(`  ${exportCount} CSV exports of ${rows} rows requested (${jobIds.join(', ')}); status load and inserts running ...`);

    const cpuBefore = {
      machine: machineCpu(),
      api: cpuSeconds(api.pid as number),
      workers: workers.map((w) => cpuSeconds(w.pid as number)),
    };
    const benchCpuBefore = process.cpuUsage();
    const locksBefore = await rowLockStatus(admin);
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    let running = true;
    const loadSettings = { port, token, ids: jobIds, connections: statusConnections, rate: statusRate };
    const load = statusLoad({ ...loadSettings, seconds: Math.ceil(timeoutMs / 1000) });
    const writing = inserter.run(maxInserts, () => running);
    const finished = new Map<number, { body: StatusBody; seconds: number; inserts: number }>();
    let during: number[] = [];
    let loadReport: StatusLoadReport | undefined;
    let loadCpuSeconds = 0;
    let writingError: Error | undefined;
    try {
      let lastLog = Date.now();
      while (finished.size < jobIds.length) {
        if (Date.now() - started > timeoutMs) throw new Error(`exports not finished after ${timeoutMs} ms`);
        const bodies = await Promise.all(
          jobIds
            .filter((id) => !finished.has(id))
            .map(async (id) => {
              const response = await fetch(`http://127.0.0.1:${port}/api/exports/${id}/status`, { headers });
              return { id, body: (await response.json()) as StatusBody };
            }),
        );
        for (const { id, body } of bodies) {
          if (body.status === 'FAILED') throw new Error(`export ${id} failed: ${body.error}`);
          if (body.status === 'COMPLETED') finished.set(id, { body, seconds: (Date.now() - started) / 1000, inserts: inserter.committed });
        }
        if (Date.now() - lastLog >= 10_000) {
          lastLog = Date.now();
          log(`  ${((lastLog - started) / 1000).toFixed(0)} s: ${finished.size}/${jobIds.length} done, ${inserter.committed} inserts`);
        }
        if (finished.size < jobIds.length) await sleep(POLL_MS);
      }
    } finally {
      running = false;
      loadCpuSeconds = load.cpuSeconds();
      load.stop();
      // Both settle once stopped; wait for them even when an export failed.
      const [writingOutcome, loadOutcome] = await Promise.allSettled([writing, load.report]);
      if (writingOutcome.status === 'fulfilled') during = writingOutcome.value;
      if (loadOutcome.status === 'fulfilled') loadReport = loadOutcome.value;
      else log(`  status load failed: ${String(loadOutcome.reason)}`);
      if (writingOutcome.status === 'rejected') {
        const reason: unknown = writingOutcome.reason;
        writingError = reason instanceof Error ? reason : new Error(`inserter failed: ${String(reason)}`);
      }
    }
    if (writingError !== undefined) throw writingError;
    const wallSeconds = (Date.now() - started) / 1000;
    loopDelay.disable();
    const machineAfter = machineCpu();
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const locksAfter = await rowLockStatus(admin);
    const diagnostics: ConcurrencyResult['diagnostics'] = {
      machineCpuBusyPercent:
        (100 * (machineAfter.busy - cpuBefore.machine.busy)) / Math.max(1, machineAfter.total - cpuBefore.machine.total),
      cpuSeconds: {
        api: cpuSeconds(api.pid as number) - cpuBefore.api,
        workers: workers.map((worker, i) => cpuSeconds(worker.pid as number) - cpuBefore.workers[i]),
        bench: (benchCpu.user + benchCpu.system) / 1e6,
        statusLoad: loadCpuSeconds,
      },
      benchEventLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      innodbRowLockWaits: locksAfter.waits - locksBefore.waits,
      innodbRowLockTimeMs: locksAfter.timeMs - locksBefore.timeMs,
    };
    const workerPeakRssMb = workers.map((worker) => peakRssMb(worker.pid as number));
    const apiPeakRssMb = peakRssMb(api.pid as number);
    const statusIdle = summarize((await statusLoad({ ...loadSettings, seconds: idleStatusSeconds }).report).samples);
    const insertsMade = inserter.committed;

    // Every export must write the COUNT it took in its own snapshot; that snapshot holds the
    // original rows plus at most the inserts committed before the export finished.
    const [owners] = await admin.query<RowDataPacket[]>('SELECT id, worker_id FROM export_jobs WHERE id IN (?)', [jobIds]);
    const ownerOf = new Map(owners.map((row) => [Number(row.id), row.worker_id as string | null]));
    const countProblems: string[] = [];
    const jobs: ConcurrentExport[] = jobIds.map((id) => {
      const { body, seconds, inserts } = finished.get(id) as { body: StatusBody; seconds: number; inserts: number };
      const total = body.total_records ?? -1;
      if (body.processed_records !== total) countProblems.push(`export ${id}: wrote ${body.processed_records} of ${total} records`);
      if (total < rows || total > rows + inserts) {
        countProblems.push(`export ${id}: snapshot COUNT ${total} outside [${rows}, ${rows + inserts}]`);
      }
      return {
        id,
        worker: ownerOf.get(id) ?? null,
        processedRecords: body.processed_records,
        totalRecords: total,
        insertsBeforeCompleted: inserts,
        seconds,
        bytes: body.file_size ?? 0,
      };
    });
    const inserted = await count(admin, `WHERE transaction_id LIKE '${INSERT_PREFIX}%'`);
    if (inserted !== insertsMade) countProblems.push(`${insertsMade} inserts committed but ${inserted} found`);
    const original = (await count(admin)) - inserted;
    if (original !== rows) countProblems.push(`the table holds ${original} original rows, expected ${rows}`);
    await deleteInserted(admin);
    const rowsAfter = await count(admin);
    if (rowsAfter !== rows) countProblems.push(`after deleting the inserted rows the table holds ${rowsAfter}, expected ${rows}`);

    const statusSummary = summarize(loadReport?.samples ?? []);
    const duringSummary = summarize(during);
    const p99Ratio = duringSummary.p99Ms / idle.p99Ms;
    const processed = jobs.reduce((sum, job) => sum + job.processedRecords, 0);
    const result: ConcurrencyResult = {
      date: new Date().toISOString().slice(0, 10),
      rows,
      format: 'csv',
      exports: exportCount,
      workers: workerCount,
      workerConcurrency,
      nodeFlags: flags,
      wallSeconds,
      rowsPerSecond: processed / wallSeconds,
      jobs,
      workerPeakRssMb,
      apiPeakRssMb,
      countsOk: countProblems.length === 0,
      countProblems,
      status: {
        ...statusSummary,
        connections: statusConnections,
        rate: statusRate,
        seconds: loadReport?.durationSeconds ?? wallSeconds,
        non2xx: loadReport?.non2xx ?? 0,
        errors: loadReport?.errors ?? 0,
        targetP99Ms: STATUS_TARGET_P99_MS,
        ok: statusSummary.count > 0 && statusSummary.p99Ms < STATUS_TARGET_P99_MS && (loadReport?.non2xx ?? 0) === 0,
        idle: statusIdle,
      },
      inserts: {
        intervalMs,
        idle,
        during: duringSummary,
        p99Ratio,
        targetRatio: insertTargetRatio,
        ok: duringSummary.count > 0 && p99Ratio <= insertTargetRatio,
      },
      rowsAfter,
      diagnostics,
      ok: false,
    };
    result.ok = result.countsOk && result.status.ok && result.inserts.ok;
    for (const problem of countProblems) log(`  COUNT PROBLEM: ${problem}`);
    log(
      `  ${exportCount} × ${rows} rows on ${workerCount} workers × ${workerConcurrency}: ${wallSeconds.toFixed(1)} s, ${Math.round(result.rowsPerSecond)} rows/s, worker peak RSS ${workerPeakRssMb.map((mb) => mb.toFixed(0)).join(' / ')} MB`,
    );
    log(
      `  status p50 ${statusSummary.p50Ms.toFixed(1)} ms, p99 ${statusSummary.p99Ms.toFixed(1)} ms over ${statusSummary.count} requests (${result.status.non2xx} non-2xx, ${result.status.errors} errors); idle p50 ${statusIdle.p50Ms.toFixed(1)} ms, p99 ${statusIdle.p99Ms.toFixed(1)} ms`,
    );
    log(
      `  insert p50/p99 idle ${idle.p50Ms.toFixed(2)}/${idle.p99Ms.toFixed(2)} ms, during ${duringSummary.p50Ms.toFixed(2)}/${duringSummary.p99Ms.toFixed(2)} ms (${duringSummary.count} inserts): p99 ratio ${p99Ratio.toFixed(2)}×`,
    );
    log(
      `  machine CPU ${diagnostics.machineCpuBusyPercent.toFixed(0)}% busy; CPU s: api ${diagnostics.cpuSeconds.api.toFixed(1)}, workers ${diagnostics.cpuSeconds.workers.map((s) => s.toFixed(1)).join(' / ')}, inserter ${diagnostics.cpuSeconds.bench.toFixed(1)}, status load ${diagnostics.cpuSeconds.statusLoad.toFixed(1)}; inserter event-loop delay p99 ${diagnostics.benchEventLoopDelayP99Ms.toFixed(1)} ms; InnoDB row lock waits +${diagnostics.innodbRowLockWaits} (${diagnostics.innodbRowLockTimeMs} ms)`,
    );
    return result;
  } finally {
    await Promise.all(processes.map((child) => stop(child)));
    if (processes.length > 0) {
      await deleteQueueKeys(redisUrl, queuePrefix).catch((error: unknown) =>
        log(`  could not delete the queue's Redis keys: ${String(error)}`),
      );
    }
    await deleteInserted(admin).catch((error: unknown) => log(`  could not delete the inserted rows: ${String(error)}`));
    if (jobIds.length > 0) {
      await admin.query('DELETE FROM export_events WHERE export_id IN (?)', [jobIds]).catch(() => undefined);
      await admin.query('DELETE FROM export_jobs WHERE id IN (?)', [jobIds]).catch(() => undefined);
    }
    await writer?.end().catch(() => undefined);
    await admin.end().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (value: number): string => (Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(2) : value.toFixed(1));

/** A `## Concurrent exports` section for docs/benchmarks.md. */
export function concurrencyMarkdown(result: ConcurrencyResult, env: Record<string, string> = {}): string {
  const n = (value: number): string => Math.round(value).toLocaleString('en-US');
  const { status, inserts, diagnostics: d } = result;
  const check = (ok: boolean): string => (ok ? 'met' : '**missed**');
  const lines = [
    `## Concurrent exports${
      Object.keys(env).length > 0
        ? `, with ${Object.entries(env)
            .map(([name, value]) => `\`${name}=${value}\``)
            .join(' ')}`
        : ''
    }`,
    '',
    `Measured on ${result.date}: ${result.exports} concurrent CSV exports of all ${n(result.rows)} EZPass rows on ${result.workers} worker processes ` +
      `(EXPORT_CONCURRENCY=${result.workerConcurrency} each) behind 1 API process. Meanwhile autocannon, in a process of its own, polls \`GET /api/exports/{id}/status\` ` +
      `(${status.connections} connections, ${status.rate > 0 ? `${status.rate} requests/s, which autocannon sends as a burst at the start of every second, so up to ${status.connections} requests wait on each other` : 'unbounded'}) ` +
      'and another process inserts one ' +
      `\`ezpass_transactions\` row every ${inserts.intervalMs} ms, compared with the same inserts before any export (the inserted rows are deleted afterwards). ` +
      'Wall time: first request to the last export seen COMPLETED (status polled every 100 ms); peak RSS: VmHWM. ' +
      `Node flags: API \`${result.nodeFlags.api.join(' ') || 'none'}\`, workers \`${result.nodeFlags.worker.join(' ') || 'none'}\`.`,
    '',
    '| measure | result | target |',
    '|---|---:|---|',
    `| wall time | ${result.wallSeconds.toFixed(1)} s | |`,
    `| aggregate throughput | ${n(result.rowsPerSecond)} rows/s | |`,
    `| records written = COUNT in the export's snapshot | ${result.jobs.filter((job) => job.processedRecords === job.totalRecords).length}/${result.jobs.length} | all, ${check(result.countsOk)} |`,
    `| worker peak RSS | ${result.workerPeakRssMb.map((mb) => `${mb.toFixed(0)} MB`).join(', ')} | |`,
    `| status p50 / p99 during the exports (${n(status.count)} requests, ${status.non2xx} non-2xx) | ${ms(status.p50Ms)} / ${ms(status.p99Ms)} ms | p99 < ${status.targetP99Ms} ms, ${check(status.ok)} |`,
    `| status p50 / p99 afterwards, nothing running (${n(status.idle.count)} requests) | ${ms(status.idle.p50Ms)} / ${ms(status.idle.p99Ms)} ms | |`,
    `| insert p50 / p99, no export (${n(inserts.idle.count)} inserts) | ${ms(inserts.idle.p50Ms)} / ${ms(inserts.idle.p99Ms)} ms | |`,
    `| insert p50 / p99, during the exports (${n(inserts.during.count)} inserts) | ${ms(inserts.during.p50Ms)} / ${ms(inserts.during.p99Ms)} ms | |`,
    `| insert p99 during / no export | ${inserts.p99Ratio.toFixed(2)}× | ≤ ${inserts.targetRatio}×, ${check(inserts.ok)} |`,
    `| InnoDB row lock waits during the exports (server-wide) | ${d.innodbRowLockWaits} (${d.innodbRowLockTimeMs} ms) | 0 |`,
    `| machine CPU busy during the exports | ${d.machineCpuBusyPercent.toFixed(0)}% | |`,
    '',
    `CPU seconds during the exports: API ${d.cpuSeconds.api.toFixed(1)}, workers ${d.cpuSeconds.workers.map((s) => s.toFixed(1)).join(' + ')}, ` +
      `inserter ${d.cpuSeconds.bench.toFixed(1)} (its event-loop delay p99: ${ms(d.benchEventLoopDelayP99Ms)} ms), status load ${d.cpuSeconds.statusLoad.toFixed(1)}; the rest is MariaDB and anything else running.`,
    '',
  ];
  return lines.join('\n');
}
