import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { bullJobId } from '../src/exports/jobs/bullmq-export.queue';
import { redisOptions } from '../src/redis/redis-options';
import { expectExit, runCli } from './support/cli';
import { requestExport, waitForExport } from './support/exports';
import { ezpassRows, insertRows } from './support/factories';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';

const admin = tokenFor('ops', ['admin']);
const alice = tokenFor('alice');

describe('Operations: CLI, queue dashboard, metrics, health (MariaDB, BullMQ)', () => {
  let stack: TestStack;
  let app: TestApp;
  let queue: Queue;

  const cli = (...args: string[]) => runCli(args, stack.env);

  const insertJob = async (values: Record<string, unknown>): Promise<number> => {
    const row = {
      user_id: 'alice',
      export_type: 'EZPASS',
      format: 'csv',
      filters: '{}',
      status: 'PENDING',
      created_at: new Date(),
      ...values,
    };
    const result = await stack.db.createQueryBuilder().insert().into('export_jobs').values(row).execute();
    return Number(result.identifiers[0].id);
  };
  const statusOf = async (id: number): Promise<string> =>
    (await stack.db.query('SELECT status FROM export_jobs WHERE id = ?', [id]))[0].status;

  beforeAll(async () => {
    stack = await createTestStack({ database: 'mariadb', redis: true });
    await insertRows(stack.db, 'ezpass_transactions', ezpassRows(200, 2));
    app = await startTestApp(stack);
    queue = new Queue('exports', { connection: redisOptions(stack.env.REDIS_URL), prefix: stack.env.QUEUE_PREFIX });
  });

  afterAll(async () => {
    await queue?.close();
    await app?.close();
    await stack?.teardown();
  });

  describe('exports CLI', () => {
    it('lists exports as a table, filtered by status and user', async () => {
      const failed = await insertJob({ status: 'FAILED', error: 'disk full', user_id: 'bob' });
      await insertJob({ status: 'COMPLETED', user_id: 'carol' });
      const { code, stdout } = await cli('exports', 'list', '--status', 'failed');
      expect(code).toBe(0);
      const lines = stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^ID\s+USER\s+TYPE\s+FORMAT\s+STATUS/);
      expect(lines.slice(2).map((line) => line.split(/\s+/)[0])).toEqual([String(failed)]);
      expect((await cli('exports', 'list', '--user', 'carol')).stdout).toContain('carol');
      expect((await cli('exports', 'list', '--user', 'carol')).stdout).not.toContain('bob');

      const json = await cli('exports', 'list', '--status', 'FAILED', '--json');
      expectExit(json, 0);
      expect(JSON.parse(json.stdout)).toEqual([
        expect.objectContaining({ export_id: failed, user_id: 'bob', status: 'FAILED', error: 'disk full', export_type: 'EZPASS' }),
      ]);
    });

    it('inspects the queue: counts, running exports with progress and worker, workers and heartbeats', async () => {
      const running = await insertJob({
        status: 'PROCESSING',
        progress: 42,
        processed_records: 420,
        total_records: 1000,
        worker_id: 'host-a:123',
        heartbeat_at: new Date(),
        attempts: 1,
      });
      const { code, stdout } = await cli('exports', 'inspect');
      expect(code).toBe(0);
      expect(stdout).toMatch(/Queue: waiting \d+, active \d+/);
      expect(stdout).toMatch(new RegExp(`${running}\\s+alice\\s+EZPASS\\s+csv\\s+42%\\s+420/1000\\s+host-a:123`));
      expect(stdout).toMatch(/Workers:\n\s*WORKER\s+PID/);

      const json = await cli('exports', 'inspect', '--json');
      expectExit(json, 0);
      const inspection = JSON.parse(json.stdout) as { queue: Record<string, number>; active: object[]; workers: object[] };
      expect(inspection.queue).toEqual(expect.objectContaining({ waiting: expect.any(Number), active: expect.any(Number) }));
      expect(inspection.active).toContainEqual(
        expect.objectContaining({ export_id: running, progress: 42, processed_records: 420, worker_id: 'host-a:123', attempts: 1 }),
      );
      expect(inspection.workers.length).toBeGreaterThan(0);
      await stack.db.query("UPDATE export_jobs SET status = 'FAILED' WHERE id = ?", [running]);
    });

    it('retries a FAILED export: PENDING again and back on the queue; refuses a COMPLETED one with exit 1', async () => {
      const failed = await insertJob({ status: 'FAILED', error: 'boom', filters: JSON.stringify({ driver_id: ['D001'] }) });
      const retried = await cli('exports', 'retry', String(failed));
      expectExit(retried, 0);
      expect(retried.stdout).toContain(`Export ${failed} queued again`);
      const job = await queue.getJob(bullJobId(failed));
      expect(job?.data).toEqual({ exportId: failed });
      expect((await waitForExport(app.http, alice, failed)).status).toBe('COMPLETED');
      const refused = await cli('exports', 'retry', String(failed));
      expectExit(refused, 1);
      expect(refused.stderr).toContain('COMPLETED');
    });

    it('cancels a PENDING export; an unknown id exits 1, a malformed one 2', async () => {
      const pending = await insertJob({ status: 'PENDING' });
      const cancelled = await cli('exports', 'cancel', String(pending));
      expectExit(cancelled, 0);
      expect(await statusOf(pending)).toBe('CANCELLED');
      const missing = await cli('exports', 'cancel', '987654');
      expectExit(missing, 1);
      expect(missing.stderr).toContain('Export 987654 not found');
      expectExit(await cli('exports', 'cancel', 'abc'), 2);
    });

    it('cleans up old files: --dry-run lists without deleting, then the real run deletes and marks EXPIRED', async () => {
      mkdirSync(stack.exportDir, { recursive: true });
      const key = 'old-export.csv';
      writeFileSync(join(stack.exportDir, key), 'a,b\r\n');
      const old = await insertJob({
        status: 'COMPLETED',
        storage_key: key,
        file_name: 'ezpass_old.csv',
        completed_at: new Date(Date.now() - 3 * 86_400_000),
      });
      const fresh = await requestExport(app.http, alice, { export_type: 'EZPASS', format: 'csv' });
      await waitForExport(app.http, alice, fresh);

      const dry = await cli('exports', 'cleanup', '--older-than', '2d', '--dry-run');
      expect(dry.stdout).toContain('Would delete 1 file(s)');
      expect(dry.stdout).toContain('ezpass_old.csv');
      expect(existsSync(join(stack.exportDir, key))).toBe(true);

      const real = await cli('exports', 'cleanup', '--older-than', '2d');
      expect(real.stdout).toContain('Deleted 1 file(s)');
      expect(existsSync(join(stack.exportDir, key))).toBe(false);
      expect(await statusOf(old)).toBe('EXPIRED');
      expect(await statusOf(fresh)).toBe('COMPLETED');
    });
  });

  describe('queue dashboard at /admin/queues', () => {
    it('answers 401 without a token and 403 to a non-admin', async () => {
      expect((await app.http().get('/admin/queues')).status).toBe(401);
      expect((await app.http().get('/admin/queues').set(bearer(alice))).status).toBe(403);
    });

    it('serves the dashboard and its API to an admin, by header or by a one-time query token', async () => {
      const page = await app.http().get('/admin/queues').set(bearer(admin));
      expect(page.status).toBe(200);
      expect(page.text).toContain('<div id="root">');
      const login = await app.http().get(`/admin/queues?token=${admin}`);
      expect(login.status).toBe(303);
      expect(login.headers.location).toBe('/admin/queues');
      const cookie = String(login.headers['set-cookie']);
      expect(cookie).toMatch(/HttpOnly/i);
      const api = await app.http().get('/admin/queues/api/queues').set('Cookie', cookie.split(';')[0]);
      expect(api.status).toBe(200);
      expect(JSON.stringify(api.body)).toContain('"name":"exports"');
    });
  });

  describe('metrics and health', () => {
    it('exposes Prometheus metrics to admins only', async () => {
      expect((await app.http().get('/api/metrics')).status).toBe(401);
      expect((await app.http().get('/api/metrics').set(bearer(alice))).status).toBe(403);
      const response = await app.http().get('/api/metrics').set(bearer(admin));
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toContain('text/plain');
      const [{ n }] = await stack.db.query(
        "SELECT COUNT(*) AS n FROM export_jobs WHERE export_type = 'EZPASS' AND format = 'csv' AND status = 'COMPLETED'",
      );
      expect(response.text).toContain(`exports_jobs{type="EZPASS",format="csv",status="COMPLETED"} ${Number(n)}`);
      expect(response.text).toMatch(/exports_duration_seconds_count\{type="EZPASS",format="csv",outcome="completed"\} [1-9]/);
      expect(response.text).toMatch(/exports_rows_bucket\{le="1000",type="EZPASS",format="csv"\} [1-9]/);
      expect(response.text).toMatch(/exports_queue_jobs\{state="waiting"\} \d+/);
      expect(response.text).toMatch(/exports_workers_alive 1/);
    });

    it('reports the queue and live workers in /api/health', async () => {
      const response = await app.http().get('/api/health');
      expect({ status: response.status, body: response.body }).toMatchObject({ status: 200 });
      expect(response.body.details).toMatchObject({
        database: { status: 'up' },
        redis: { status: 'up' },
        workers: { status: 'up', alive: 1, queue: expect.any(Object) },
      });
    });
  });
});
