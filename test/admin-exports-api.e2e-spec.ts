import { Queue } from 'bullmq';
import { bullJobId } from '../src/exports/jobs/bullmq-export.queue';
import { EXPORT_QUEUE } from '../src/exports/jobs/export-queue';
import { redisOptions } from '../src/redis/redis-options';
import { auditEvents, insertJob, jobRow } from './support/faults/jobs';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';

const admin = tokenFor('ops', ['admin']);
const MAX_ACTIVE = 2;

interface PageBody {
  items: { export_id: number; user_id: string; status: string; export_type: string }[];
  total_items: number;
  page: number;
  per_page: number;
  total_pages: number;
}

describe("Everyone's exports and retry (API role on MariaDB + BullMQ; no worker, so retried exports stay queued)", () => {
  let stack: TestStack;
  let app: TestApp;
  let queue: Queue;

  const listAll = (query: Record<string, string | number>, token = admin) => app.http().get('/api/exports').query(query).set(bearer(token));
  /** Ids the database has for these conditions, newest first: what a page must equal. */
  const idsWhere = async (where: string, params: unknown[] = []): Promise<number[]> =>
    (await stack.db.query(`SELECT id FROM export_jobs ${where} ORDER BY id DESC`, params)).map((row: { id: number }) => Number(row.id));

  beforeAll(async () => {
    stack = await createTestStack({ database: 'mariadb', redis: true, env: { MAX_ACTIVE_EXPORTS: String(MAX_ACTIVE) } });
    app = await startTestApp(stack, 'api');
    queue = new Queue(EXPORT_QUEUE, { connection: redisOptions(stack.config.redisUrl as string), prefix: stack.config.queuePrefix });
  });

  afterAll(async () => {
    await queue?.close();
    await app?.close();
    await stack?.teardown();
  });

  describe('GET /api/exports', () => {
    beforeAll(async () => {
      const users = ['alice', 'bob', 'Alice', 'carol'];
      const statuses = ['COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED', 'PENDING'] as const;
      const types = ['EZPASS', 'PVB', 'CURB'];
      // 4 x 5 x 3 combinations, each once.
      for (let i = 0; i < 60; i++) {
        await insertJob(stack.db, {
          user_id: users[i % users.length],
          status: statuses[i % statuses.length],
          export_type: types[i % types.length],
          created_at: new Date(Date.UTC(2024, 0, 1, 0, i)),
        });
      }
    });

    it('answers 403 with a sentence to anyone but an admin, and lists nothing', async () => {
      const response = await listAll({}, tokenFor('alice'));
      expect(response.status).toBe(403);
      expect(response.body.message).toBe("Only admins can list everyone's exports; your own are at GET /api/exports/my-exports.");
      expect(response.body.items).toBeUndefined();
    });

    it('lists every user’s exports, newest first, each with its owner', async () => {
      const response = await listAll({ per_page: 100 });
      expect(response.status).toBe(200);
      expect(response.body.items.map((item: { export_id: number }) => item.export_id)).toEqual(await idsWhere(''));
      const owners: { id: number; user_id: string }[] = await stack.db.query('SELECT id, user_id FROM export_jobs');
      for (const item of (response.body as PageBody).items) {
        expect(item.user_id).toBe(owners.find((row) => Number(row.id) === item.export_id)?.user_id);
      }
    });

    it.each([
      [{ user_id: 'alice' }, 'WHERE user_id = ?', ['alice']],
      [{ status: 'FAILED' }, 'WHERE status = ?', ['FAILED']],
      [{ export_type: 'PVB' }, 'WHERE export_type = ?', ['PVB']],
      [
        { user_id: 'bob', status: 'COMPLETED', export_type: 'EZPASS' },
        'WHERE user_id = ? AND status = ? AND export_type = ?',
        ['bob', 'COMPLETED', 'EZPASS'],
      ],
    ])('narrows to exactly the exports matching %j', async (query, where, params) => {
      const expected = await idsWhere(where, params);
      expect(expected.length).toBeGreaterThan(0);
      const response = await listAll({ ...query, per_page: 100 });
      expect(response.status).toBe(200);
      expect(response.body.items.map((item: { export_id: number }) => item.export_id)).toEqual(expected);
      expect(response.body.total_items).toBe(expected.length);
    });

    it('matches the owner exactly: "alice" is not "Alice"', async () => {
      const response = await listAll({ user_id: 'Alice', per_page: 100 });
      expect(new Set(response.body.items.map((item: { user_id: string }) => item.user_id))).toEqual(new Set(['Alice']));
      expect(response.body.total_items).toBe((await idsWhere('WHERE user_id = ?', ['Alice'])).length);
    });

    it('pages through the whole list without gaps or repeats, and caps per_page at 100', async () => {
      const all = await idsWhere('');
      const pages = Math.ceil(all.length / 8);
      const seen: number[] = [];
      for (let page = 1; page <= pages; page++) {
        const body = (await listAll({ page, per_page: 8 })).body as PageBody;
        expect(body).toMatchObject({ page, per_page: 8, total_items: all.length, total_pages: pages });
        seen.push(...body.items.map((item) => item.export_id));
      }
      expect(seen).toEqual(all);
      expect((await listAll({ page: pages + 1, per_page: 8 })).body.items).toEqual([]);
      expect((await listAll({ per_page: 5000 })).body.per_page).toBe(100);
    });

    it('names every bad parameter in one 400', async () => {
      const response = await listAll({ status: 'done', export_type: 'ezpass', page: 0, sort: 'id' });
      expect(response.status).toBe(400);
      expect(response.body.message).toEqual(
        expect.arrayContaining([
          'property sort should not exist',
          'status must be one of: PENDING, PROCESSING, COMPLETED, FAILED, CANCELLED, EXPIRED',
          'export_type must be an export type such as CURB',
          'page must be at least 1',
        ]),
      );
    });
  });

  describe('POST /api/exports/{id}/retry', () => {
    const retry = (id: number, token: string) => app.http().post(`/api/exports/${id}/retry`).set(bearer(token));
    const failedJob = (user: string, status: 'FAILED' | 'CANCELLED' = 'FAILED') =>
      insertJob(stack.db, {
        user_id: user,
        status,
        progress: 40,
        processed_records: 400,
        total_records: 1000,
        attempts: 3,
        error: 'The database connection was lost while reading rows.',
        created_at: new Date(),
        completed_at: new Date(),
      });

    it('puts the owner’s FAILED export back in the queue under the same id, reset, and audits who did it', async () => {
      const id = await failedJob('dora');
      const response = await retry(id, tokenFor('dora'));
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ export_id: id, user_id: 'dora', status: 'PENDING', progress: 0, processed_records: 0 });
      expect(response.body.error).toBeUndefined();
      expect(await jobRow(stack.db, id)).toMatchObject({ status: 'PENDING', attempts: 0, processed_records: 0, error: null });
      expect(await (await queue.getJob(bullJobId(id)))?.getState()).toBe('waiting');
      expect((await auditEvents(stack.db, id)).at(-1)).toEqual({ event: 'retrying', detail: 'retried by its owner' });
    });

    it('lets an admin retry another user’s CANCELLED export', async () => {
      const id = await failedJob('eli', 'CANCELLED');
      const response = await retry(id, admin);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ export_id: id, user_id: 'eli', status: 'PENDING' });
      expect(await (await queue.getJob(bullJobId(id)))?.getState()).toBe('waiting');
      const [{ user_id: actor }] = await stack.db.query("SELECT user_id FROM export_events WHERE export_id = ? AND event = 'retrying'", [
        id,
      ]);
      expect(actor).toBe('ops');
    });

    it('answers 404 for another user’s export and leaves it FAILED', async () => {
      const id = await failedJob('fay');
      const response = await retry(id, tokenFor('gus'));
      expect(response.status).toBe(404);
      expect(response.body.message).toBe(`Export ${id} not found`);
      expect((await jobRow(stack.db, id)).status).toBe('FAILED');
      expect(await queue.getJob(bullJobId(id))).toBeUndefined();
    });

    it.each(['COMPLETED', 'PENDING', 'PROCESSING', 'EXPIRED'] as const)(
      'answers 409 for an export that is %s, and changes nothing',
      async (status) => {
        const id = await insertJob(stack.db, { user_id: 'hal', status, created_at: new Date() });
        const response = await retry(id, tokenFor('hal'));
        expect(response.status).toBe(409);
        expect(response.body.message).toBe(`Export ${id} is ${status}; only FAILED or CANCELLED exports can be retried`);
        expect((await jobRow(stack.db, id)).status).toBe(status);
      },
    );

    it('counts an owner’s retry against their active-exports limit (429 with Retry-After); an admin’s retry is not limited', async () => {
      const failed = await failedJob('ivy');
      for (let i = 0; i < MAX_ACTIVE; i++) await insertJob(stack.db, { user_id: 'ivy', status: 'PENDING', created_at: new Date() });
      const refused = await retry(failed, tokenFor('ivy'));
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('30');
      expect((await jobRow(stack.db, failed)).status).toBe('FAILED');

      expect((await retry(failed, admin)).status).toBe(200);
      expect((await jobRow(stack.db, failed)).status).toBe('PENDING');
    });
  });
});
