/**
 * `npm run bench`: the real production path (API process + separate BullMQ worker process on
 * MariaDB and Redis) against `mariadb --batch --quick` on the same SELECT. Writes docs/benchmarks.md.
 *
 * Env: BENCH_MYSQL (server URL, default mysql://root@127.0.0.1:3306), BENCH_REDIS (redis://127.0.0.1:6379),
 * BENCH_SIZES (10000,100000,1000000), BENCH_FORMATS (csv,json,ndjson,excel,pdf; csv.gz, json.gz, ndjson.gz for
 * gzip and csv.zip, json.zip, ndjson.zip for zip compression; csv-unjoined and excel-unjoined for EZPass without the joined driver_name; balances for a
 * LEDGER_BALANCES csv over the postings), BENCH_LARGE_FORMATS (csv,csv.gz,json,excel: what sizes of 10M and up run),
 * BENCH_KEEP_FILES (a folder the files are moved to), BENCH_MAX_DB_LOAD (Threads_running=3: the
 * concurrency run is repeated with it as EXPORT_MAX_DB_LOAD; empty skips that), BENCH_OUT (the file under docs/ the
 * tables go to: benchmarks.md), BENCH_MAX_ROWS_PER_SECOND (12500: the throttled run is repeated with it as
 * EXPORT_MAX_ROWS_PER_SECOND too, what quiets the machine and what it costs; empty skips that), BENCH_QUICK=1 (small sizes, for CI).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';
import { sign } from 'jsonwebtoken';
import { runMigrations } from '../src/database/migrate';
import { seedDatabase } from '../src/database/seed/seeder';
import { EzpassExportQuery } from '../src/ezpass/ezpass-export.query';
import { MAIN, ROOT, cpuSeconds, freePort, mariadbCpuSeconds, peakRssMb, start, stop, waitHealthy, waitWorkerReady } from './bench-support';
import { concurrencyMarkdown, runConcurrency } from './concurrency';

const quick = process.env.BENCH_QUICK === '1';
const MYSQL = process.env.BENCH_MYSQL ?? 'mysql://root@127.0.0.1:3306';
const REDIS = process.env.BENCH_REDIS ?? 'redis://127.0.0.1:6379';
const SIZES = (process.env.BENCH_SIZES ?? (quick ? '1000,5000' : '10000,100000,1000000')).split(',').map(Number);
const FORMATS = (process.env.BENCH_FORMATS ?? 'csv,csv-unjoined,json,excel,excel-unjoined,pdf,balances').split(',');
/** Sizes from 10M rows up run only these (the flat-memory and linear-time check). */
const LARGE_FORMATS = (process.env.BENCH_LARGE_FORMATS ?? 'csv,csv.gz,json,excel').split(',');
const LARGE = 10_000_000;
/** Where to keep the exported files (for opening them afterwards); deleted with their run otherwise. */
const KEEP_FILES = process.env.BENCH_KEEP_FILES;
/** The load limit of the throttled concurrency run (gh-ost's --max-load); BENCH_MAX_DB_LOAD= skips that run. */
const MAX_DB_LOAD = process.env.BENCH_MAX_DB_LOAD ?? 'Threads_running=3';
/** Each export's row rate in the rate-capped concurrency run; BENCH_MAX_ROWS_PER_SECOND= skips that run. */
const MAX_ROWS_PER_SECOND = process.env.BENCH_MAX_ROWS_PER_SECOND ?? '12500';
const PDF_ROWS = 10_000;
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';
/** EZPass's default columns; driver_name is joined from drivers, the rest are the table's own. */
const EZPASS_COLUMNS = new EzpassExportQuery().columns.filter((column) => !column.optional).map((column) => column.key);
const OWN_COLUMNS = EZPASS_COLUMNS.filter((key) => key !== 'driver_name');
/** PVB rows per EZPass row, so the ledger holds a little more than `rows` postings. */
const PVB_SHARE = 0.1;

interface Result {
  rows: number;
  format: string;
  seconds: number;
  rssMb: number;
  bytes: number;
  baseline: number;
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

async function count(connection: Connection, table: string): Promise<number> {
  const [[{ n }]] = (await connection.query(`SELECT COUNT(*) AS n FROM ${table}`)) as unknown as [[{ n: number }]];
  return Number(n);
}

/**
 * A database holding exactly `rows` EZPass rows, a tenth as many PVB rows, and the ledger derived
 * from both (a little more than `rows` postings); kept between runs so only the first one seeds.
 */
async function benchDatabase(rows: number): Promise<string> {
  const name = `exports_bench_${rows}`;
  const database = { kind: 'mysql' as const, url: `${MYSQL}/${name}`, database: name };
  await runMigrations(database);
  const connection = await createConnection(database.url);
  const pvbRows = Math.round(rows * PVB_SHARE);
  if ((await count(connection, 'ezpass_transactions')) !== rows || (await count(connection, 'pvb_violations')) !== pvbRows) {
    log(`seeding ${rows} EZPass and ${pvbRows} PVB rows into ${name} ...`);
    await connection.query('TRUNCATE ezpass_transactions');
    await connection.query('TRUNCATE pvb_violations');
    await seedDatabase(database, { rows, type: 'EZPASS', seed: 42, until: '2025-12-31' });
    await seedDatabase(database, { rows: pvbRows, type: 'PVB', seed: 42, until: '2025-12-31' });
  }
  log(`${name}: ${rows} EZPass rows, ${await count(connection, 'ledger_postings')} ledger postings`);
  await connection.query('DELETE FROM export_jobs');
  await connection.end();
  return database.url;
}

/**
 * The request body for a bench scenario: `csv`, `csv.gz` (with `compression: "gzip"`), `csv.zip` (zip), `csv-unjoined`
 * (EZPass's default columns but the joined driver_name), or `balances` (LEDGER_BALANCES as csv).
 */
function exportRequest(scenario: string): object {
  if (scenario === 'balances') return { export_type: 'LEDGER_BALANCES', format: 'csv' };
  const [name, suffix] = scenario.split('.');
  const [format, variant] = name.split('-');
  return {
    export_type: 'EZPASS',
    format,
    ...(variant === 'unjoined' ? { columns: OWN_COLUMNS } : {}),
    ...(suffix ? { compression: suffix === 'gz' ? 'gzip' : suffix } : {}),
  };
}

async function runExport(port: number, format: string, rows: number): Promise<{ seconds: number; bytes: number }> {
  const token = sign({ roles: ['finance'] }, SECRET, { subject: 'bench', expiresIn: '2h' });
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const started = Date.now();
  const created = await fetch(`http://127.0.0.1:${port}/api/exports/request`, {
    method: 'POST',
    headers,
    body: JSON.stringify(exportRequest(format)),
  });
  const { export_id: id } = (await created.json()) as { export_id: number };
  for (;;) {
    const status = (await (await fetch(`http://127.0.0.1:${port}/api/exports/${id}/status`, { headers })).json()) as {
      status: string;
      progress: number;
      file_size: number;
      error?: string;
    };
    if (status.status === 'COMPLETED') return { seconds: (Date.now() - started) / 1000, bytes: status.file_size };
    if (status.status === 'FAILED') throw new Error(`export failed: ${status.error}`);
    process.stderr.write(`\r  ${format} ${rows}: ${status.status} ${status.progress}%   `);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The pinned baseline: reading and printing the export's own columns in primary-key order. */
const BASELINE_SQL = `SELECT ${OWN_COLUMNS.join(', ')} FROM ezpass_transactions ORDER BY id`;
/** For balances: the database computing the same groups itself. */
const BALANCES_BASELINE_SQL = `SELECT driver_id, medallion_no, vin, category, SUM(IF(entry_type = 'DEBIT', amount, 0)),
  SUM(IF(entry_type = 'CREDIT', amount, 0)), COUNT(*), MIN(posting_date), MAX(posting_date)
  FROM ledger_postings GROUP BY driver_id, medallion_no, vin, category ORDER BY driver_id, medallion_no, vin, category`;

async function baselineSeconds(databaseUrl: string, sql: string): Promise<number> {
  const url = new URL(databaseUrl);
  const out = join(tmpdir(), `bench-baseline-${process.pid}.tsv`);
  const started = Date.now();
  await new Promise<void>((resolve, reject) =>
    execFile(
      'bash',
      ['-c', `mariadb --batch --quick -h "$H" -P "$P" -u "$U" "$D" -e "$Q" > "$O"`],
      {
        env: {
          ...process.env,
          H: url.hostname,
          P: url.port || '3306',
          U: url.username || 'root',
          D: url.pathname.slice(1),
          Q: sql,
          O: out,
        },
      },
      (error) => (error ? reject(new Error(`baseline query failed: ${error.message}`)) : resolve()),
    ),
  );
  const seconds = (Date.now() - started) / 1000;
  rmSync(out, { force: true });
  return seconds;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(rows: number, format: string, databaseUrl: string, baseline: number): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const [port, prefix] = [await freePort(), `bench_${process.pid}_${rows}_${format.replace('.', '_')}`];
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    REDIS_URL: REDIS,
    QUEUE_PREFIX: prefix,
    JWT_SECRET: SECRET,
    EXPORT_DIR: dir,
    PORT: String(port),
    EXPORT_CONCURRENCY: '1',
    // OTEL_EXPORTER_OTLP_ENDPOINT=... npm run bench measures with tracing on.
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('OTEL_'))),
  };
  const api = start('api', env);
  const worker = start('worker', { ...env, LOG_LEVEL: 'info' });
  await Promise.all([waitHealthy(port), waitWorkerReady(worker)]);
  try {
    const [workerCpu, serverCpu] = [cpuSeconds(worker.pid as number), mariadbCpuSeconds()];
    const { seconds, bytes } = await runExport(port, format, rows);
    const rssMb = peakRssMb(worker.pid as number);
    const cpu = `worker CPU ${(cpuSeconds(worker.pid as number) - workerCpu).toFixed(2)} s, MariaDB CPU ${(mariadbCpuSeconds() - serverCpu).toFixed(2)} s`;
    process.stderr.write('\r');
    log(
      `  ${format.padEnd(7)} ${String(rows).padStart(8)} rows: ${seconds.toFixed(2)} s, ${Math.round(rows / seconds)} rows/s, worker peak RSS ${rssMb.toFixed(0)} MB, ${(bytes / 1e6).toFixed(1)} MB, ${cpu}`,
    );
    return { rows, format, seconds, rssMb, bytes, baseline };
  } finally {
    await Promise.all([stop(api), stop(worker)]);
    if (KEEP_FILES) {
      mkdirSync(KEEP_FILES, { recursive: true });
      for (const name of readdirSync(dir).filter((file) => !file.startsWith('.')))
        renameSync(join(dir, name), join(KEEP_FILES, `${rows}-${name}`));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function markdown(results: Result[]): string {
  const lines = [
    '# Benchmarks',
    '',
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (${quick ? 'BENCH_QUICK' : 'full run'}), this machine: 2 cores, MariaDB 10.11, Redis 7, Node ${process.version}.`,
    'Production path: API process + separate BullMQ worker process; time from POST /request to COMPLETED seen by polling status every 100 ms.',
    'Baseline: `mariadb --batch --quick -e "SELECT <the export\'s own columns> FROM ezpass_transactions ORDER BY id" > file` on the same database, median of 3 (for balances: the same GROUP BY run by mariadb). Peak RSS: the worker\'s VmHWM.',
    'Scenarios: EZPass with its default columns (driver_name from drivers, which the reader looks up by driver_id: docs/performance.md); `-unjoined`: the same columns without driver_name; `balances`: LEDGER_BALANCES as csv over the ledger postings.',
    '',
    '| rows | format | time (s) | rows/s | ratio to baseline | worker peak RSS (MB) | file (MB) |',
    '|---:|---|---:|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.rows.toLocaleString('en-US')} | ${r.format} | ${r.seconds.toFixed(2)} | ${Math.round(r.rows / r.seconds).toLocaleString('en-US')} | ${(r.seconds / r.baseline).toFixed(1)}× | ${r.rssMb.toFixed(0)} | ${(r.bytes / 1e6).toFixed(1)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  statSync(MAIN);
  const results: Result[] = [];
  const sizes = [...new Set([...SIZES, ...(FORMATS.includes('pdf') ? [quick ? 1000 : PDF_ROWS] : [])])].sort((a, b) => a - b);
  for (const rows of sizes) {
    const databaseUrl = await benchDatabase(rows);
    const baseline = async (sql: string) =>
      median([await baselineSeconds(databaseUrl, sql), await baselineSeconds(databaseUrl, sql), await baselineSeconds(databaseUrl, sql)]);
    const [rowsBaseline, balancesBaseline] = [await baseline(BASELINE_SQL), await baseline(BALANCES_BASELINE_SQL)];
    log(`${rows} rows: baseline ${rowsBaseline.toFixed(2)} s (balances ${balancesBaseline.toFixed(2)} s)`);
    for (const format of rows >= LARGE ? LARGE_FORMATS : FORMATS) {
      if (format === 'pdf' ? rows !== (quick ? 1000 : PDF_ROWS) : !SIZES.includes(rows)) continue;
      results.push(await measure(rows, format, databaseUrl, format === 'balances' ? balancesBaseline : rowsBaseline));
    }
  }
  let table = markdown(results);
  if (!quick && SIZES.includes(1_000_000) && process.env.BENCH_CONCURRENCY !== '0') {
    log('4 concurrent 1M-row CSV exports on 2 workers ...');
    const databaseUrl = `${MYSQL}/exports_bench_1000000`;
    const concurrency = await runConcurrency({ databaseUrl, redisUrl: REDIS, rows: 1_000_000, log });
    table += `\n${concurrencyMarkdown(concurrency)}`;
    const throttledRuns: Record<string, string>[] = [];
    if (MAX_DB_LOAD) throttledRuns.push({ EXPORT_MAX_DB_LOAD: MAX_DB_LOAD });
    if (MAX_DB_LOAD && MAX_ROWS_PER_SECOND)
      throttledRuns.push({ EXPORT_MAX_DB_LOAD: MAX_DB_LOAD, EXPORT_MAX_ROWS_PER_SECOND: MAX_ROWS_PER_SECOND });
    for (const env of throttledRuns) {
      log(
        `the same with ${Object.entries(env)
          .map(([name, value]) => `${name}=${value}`)
          .join(' ')} ...`,
      );
      const throttled = await runConcurrency({ databaseUrl, redisUrl: REDIS, rows: 1_000_000, log, env });
      table += `\n${concurrencyMarkdown(throttled, env)}`;
    }
  }
  mkdirSync(join(ROOT, 'docs'), { recursive: true });
  writeFileSync(join(ROOT, 'docs', process.env.BENCH_OUT ?? (quick ? 'benchmarks-quick.md' : 'benchmarks.md')), table);
  process.stdout.write(table);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
