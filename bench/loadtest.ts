/**
 * `npm run loadtest`: 20 users × 10 export requests at once against an API process and 2 worker
 * processes (MariaDB + Redis). Every export must complete exactly once with the row count SQL
 * gives for its filters. Prints the wall time and the API's latency percentiles.
 *
 * Env: LOADTEST_MYSQL (mysql://root@127.0.0.1:3306), LOADTEST_REDIS (redis://127.0.0.1:6379),
 * LOADTEST_USERS (20), LOADTEST_REQUESTS (10 per user), LOADTEST_ROWS (50000 EZPass rows).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from 'jsonwebtoken';
import { createConnection } from 'mysql2/promise';
import { runMigrations } from '../src/database/migrate';
import { seedDatabase } from '../src/database/seed/seeder';

const MYSQL = process.env.LOADTEST_MYSQL ?? 'mysql://root@127.0.0.1:3306';
const REDIS = process.env.LOADTEST_REDIS ?? 'redis://127.0.0.1:6379';
const USERS = Number(process.env.LOADTEST_USERS ?? 20);
const PER_USER = Number(process.env.LOADTEST_REQUESTS ?? 10);
const ROWS = Number(process.env.LOADTEST_ROWS ?? 50_000);
const SECRET = 'loadtest-secret-loadtest-secret-loadtest-0123';
const MAIN = join(__dirname, '..', 'src', 'main.js');
const FORMATS = ['csv', 'json', 'excel'];

const latencies: Record<'request' | 'status', number[]> = { request: [], status: [] };

async function timed(kind: 'request' | 'status', url: string, init?: RequestInit): Promise<Response> {
  const started = performance.now();
  const response = await fetch(url, init);
  latencies[kind].push(performance.now() - started);
  return response;
}

const percentile = (values: number[], p: number): number =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function start(role: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [MAIN, role], { env, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function main(): Promise<void> {
  const name = 'exports_loadtest';
  const database = { kind: 'mysql' as const, url: `${MYSQL}/${name}`, database: name };
  await runMigrations(database);
  const db = await createConnection(database.url);
  const [[{ n }]] = (await db.query('SELECT COUNT(*) AS n FROM ezpass_transactions')) as unknown as [[{ n: number }]];
  if (Number(n) !== ROWS) {
    process.stderr.write(`seeding ${ROWS} EZPass rows ...\n`);
    await db.query('TRUNCATE ezpass_transactions');
    await seedDatabase(database, { rows: ROWS, type: 'EZPASS', seed: 7 });
  }
  await db.query('DELETE FROM export_jobs');
  await db.query('DELETE FROM export_events');

  const dir = mkdtempSync(join(tmpdir(), 'loadtest-'));
  const port = await freePort();
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: database.url,
    REDIS_URL: REDIS,
    QUEUE_PREFIX: `loadtest_${process.pid}`,
    JWT_SECRET: SECRET,
    EXPORT_DIR: dir,
    PORT: String(port),
    MAX_ACTIVE_EXPORTS: String(PER_USER),
    EXPORT_REQUESTS_PER_MINUTE: String(PER_USER * 2),
  };
  const processes = [start('api', env), start('worker', env), start('worker', env)];
  try {
    for (let i = 0; i < 300 && !(await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => undefined))?.ok; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const months = Array.from({ length: 36 }, (_, i) => new Date(Date.UTC(2023, i, 1)).toISOString().slice(0, 10));
    const started = Date.now();
    const exports = await Promise.all(
      Array.from({ length: USERS }, async (_, user) => {
        const token = sign({ roles: [] }, SECRET, { subject: `user${user}`, expiresIn: '1h' });
        const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
        return Promise.all(
          Array.from({ length: PER_USER }, async (_, i) => {
            const from = months[(user + i) % 30];
            const to = months[((user + i) % 30) + 3];
            const response = await timed('request', `http://127.0.0.1:${port}/api/exports/request`, {
              method: 'POST',
              headers,
              body: JSON.stringify({
                export_type: 'EZPASS',
                format: FORMATS[i % FORMATS.length],
                filters: { from_posting_date: from, to_posting_date: to },
              }),
            });
            if (response.status !== 202) throw new Error(`request answered ${response.status}: ${await response.text()}`);
            const { export_id: id } = (await response.json()) as { export_id: number };
            for (;;) {
              const status = (await (await timed('status', `http://127.0.0.1:${port}/api/exports/${id}/status`, { headers })).json()) as {
                status: string;
                processed_records: number;
              };
              if (status.status === 'COMPLETED') return { id, from, to, records: status.processed_records };
              if (status.status === 'FAILED') throw new Error(`export ${id} failed`);
              await new Promise((resolve) => setTimeout(resolve, 1000));
            }
          }),
        );
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const all = exports.flat();
    let wrong = 0;
    for (const job of all) {
      const [[{ c }]] = (await db.query(
        'SELECT COUNT(*) AS c FROM ezpass_transactions WHERE posting_date >= ? AND posting_date < DATE_ADD(?, INTERVAL 1 DAY)',
        [job.from, job.to],
      )) as unknown as [[{ c: number }]];
      if (Number(c) !== job.records) wrong++;
    }
    const [twice] = (await db.query(
      "SELECT export_id FROM export_events WHERE event = 'completed' GROUP BY export_id HAVING COUNT(*) > 1",
    )) as unknown as [unknown[]];
    const summary = [
      `${all.length} exports (${USERS} users × ${PER_USER}) on 1 API + 2 workers: all COMPLETED in ${seconds.toFixed(1)} s`,
      `row counts equal to SQL: ${all.length - wrong}/${all.length}; completed more than once: ${twice.length}`,
      ...(['request', 'status'] as const).map(
        (kind) =>
          `API ${kind} latency over ${latencies[kind].length} calls: p50 ${percentile(latencies[kind], 50).toFixed(1)} ms, p99 ${percentile(latencies[kind], 99).toFixed(1)} ms`,
      ),
    ].join('\n');
    process.stdout.write(`${summary}\n`);
    if (wrong > 0 || twice.length > 0) process.exitCode = 1;
  } finally {
    for (const child of processes) child.kill('SIGTERM');
    await db.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
