import { Queue } from 'bullmq';
import { EXPORT_QUEUE } from '../src/exports/jobs/export-queue';
import { redisOptions } from '../src/redis/redis-options';
import { waitForExport } from './support/exports';
import { ezpassRows, insertRows } from './support/factories';
import { waitFor } from './support/processes';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { REDIS_SERVER } from './support/test-env';
import { bearer, tokenFor } from './support/tokens';

const MAX_SCHEDULES = 3;
const MAX_ACTIVE = 2;
/** Never fires during the test: the 1st of January at 02:00. */
const YEARLY = { cron: '0 2 1 1 *', timezone: 'UTC', export_type: 'EZPASS', format: 'csv' };

interface ScheduleBody {
  schedule_id: string;
  user_id: string;
  skipped_runs: number;
  last_skipped_at: string | null;
  last_skip_reason: string | null;
  last_export_id: number | null;
}

interface SchedulePage {
  items: ScheduleBody[];
  total_items: number;
  page: number;
  per_page: number;
  total_pages: number;
}

describe('Schedule limits (MariaDB, BullMQ on Redis, one API and one worker)', () => {
  let stack: TestStack;
  let api: TestApp;
  let worker: TestApp;
  let exportQueue: Queue;
  const http = (): ReturnType<TestApp['http']> => api.http();

  async function create(token: string, body: object = YEARLY): Promise<ScheduleBody> {
    const response = await http().post('/api/exports/schedules').set(bearer(token)).send(body);
    if (response.status !== 201) throw new Error(`Expected 201, got ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body as ScheduleBody;
  }

  const countSchedules = async (user: string): Promise<number> =>
    Number((await stack.db.query<{ n: string }[]>('SELECT COUNT(*) AS n FROM export_schedules WHERE user_id = ?', [user]))[0].n);

  beforeAll(async () => {
    stack = await createTestStack({
      database: 'mariadb',
      redis: true,
      env: { MAX_SCHEDULES_PER_USER: String(MAX_SCHEDULES), MAX_ACTIVE_EXPORTS: String(MAX_ACTIVE), SCHEDULE_MIN_INTERVAL: '1s' },
    });
    await insertRows(stack.db, 'ezpass_transactions', ezpassRows(20, 4));
    [api, worker] = await Promise.all([startTestApp(stack, 'api'), startTestApp(stack, 'worker')]);
    exportQueue = new Queue(EXPORT_QUEUE, { connection: redisOptions(REDIS_SERVER), prefix: stack.env.QUEUE_PREFIX });
  });

  afterAll(async () => {
    await exportQueue?.close();
    await Promise.all([api?.close(), worker?.close()]);
    await stack?.teardown();
  });

  it(`refuses a user's schedule beyond MAX_SCHEDULES_PER_USER with 409 and a sentence, even when they arrive at once`, async () => {
    const dana = tokenFor('dana');
    const responses = await Promise.all(
      Array.from({ length: MAX_SCHEDULES + 3 }, async () => await http().post('/api/exports/schedules').set(bearer(dana)).send(YEARLY)),
    );
    expect(responses.filter((response) => response.status === 201)).toHaveLength(MAX_SCHEDULES);
    const refused = responses.filter((response) => response.status === 409);
    expect(refused).toHaveLength(3);
    for (const response of refused) {
      expect(response.body.message).toBe(
        `You have ${MAX_SCHEDULES} schedules, the most allowed per user (${MAX_SCHEDULES}). Delete one you no longer need, then create this one.`,
      );
    }
    expect(await countSchedules('dana')).toBe(MAX_SCHEDULES);
    // Another user's count is their own.
    await create(tokenFor('erin'));
  });

  it('pages the list like my-exports, and lets admins list and delete any user’s schedules', async () => {
    const frank = tokenFor('frank');
    const admin = tokenFor('root', ['admin']);
    const made = [await create(frank), await create(frank), await create(frank)].map((schedule) => schedule.schedule_id);

    const first = (await http().get('/api/exports/schedules?page=1&per_page=2').set(bearer(frank))).body as SchedulePage;
    expect(first).toMatchObject({ total_items: 3, page: 1, per_page: 2, total_pages: 2 });
    const second = (await http().get('/api/exports/schedules?page=2&per_page=2').set(bearer(frank))).body as SchedulePage;
    // Oldest first; within one second (MySQL DATETIME) by id.
    expect([...first.items, ...second.items].map((schedule) => schedule.schedule_id).sort()).toEqual([...made].sort());
    expect(second.items).toHaveLength(1);
    // A user_id filter is for admins: anyone else still sees only their own.
    const own = (await http().get('/api/exports/schedules?user_id=dana').set(bearer(frank))).body as SchedulePage;
    expect(own.items.map((schedule) => schedule.user_id)).toEqual(['frank', 'frank', 'frank']);
    expect((await http().get('/api/exports/schedules?per_page=0').set(bearer(frank))).status).toBe(400);

    const everyone = (await http().get('/api/exports/schedules?per_page=100').set(bearer(admin))).body as SchedulePage;
    expect(new Set(everyone.items.map((schedule) => schedule.user_id))).toEqual(new Set(['dana', 'erin', 'frank']));
    expect(everyone.total_items).toBe(MAX_SCHEDULES + 1 + 3);
    const franks = (await http().get('/api/exports/schedules?user_id=frank').set(bearer(admin))).body as SchedulePage;
    expect(franks.items.map((schedule) => schedule.schedule_id).sort()).toEqual([...made].sort());

    expect((await http().delete(`/api/exports/schedules/${made[0]}`).set(bearer(admin))).status).toBe(204);
    expect((await http().get(`/api/exports/schedules/${made[0]}`).set(bearer(frank))).status).toBe(404);
    expect(await countSchedules('frank')).toBe(2);
  });

  it("skips and records an occurrence that would exceed its owner's active-export cap, and runs again once a slot is free", async () => {
    const gus = tokenFor('gus');
    // Nothing runs exports meanwhile: the schedule's exports stay PENDING and fill the cap.
    await exportQueue.pause();
    const schedule = await create(gus, { ...YEARLY, cron: '* * * * * *' });
    const made = async (): Promise<{ id: number; status: string }[]> =>
      stack.db.query('SELECT id, status FROM export_jobs WHERE schedule_id = ? ORDER BY id', [schedule.schedule_id]);
    const status = async (): Promise<ScheduleBody> =>
      (await http().get(`/api/exports/schedules/${schedule.schedule_id}`).set(bearer(gus))).body as ScheduleBody;

    await waitFor(
      async () => (await status()).skipped_runs >= 2,
      30_000,
      () => 'two skipped occurrences',
    );
    const skipped = await status();
    expect(await made()).toHaveLength(MAX_ACTIVE);
    expect(skipped.last_skipped_at).not.toBeNull();
    expect(skipped.last_skip_reason).toBe(
      `${MAX_ACTIVE} exports were pending or running, the most allowed at once (MAX_ACTIVE_EXPORTS); this run made no export`,
    );

    await exportQueue.resume();
    const [first] = await made();
    expect((await waitForExport(http, gus, first.id)).status).toBe('COMPLETED');
    // With slots free again, the next occurrences make exports.
    await waitFor(
      async () => (await made()).length > MAX_ACTIVE,
      30_000,
      () => 'an export after the cap freed up',
    );
    expect((await http().delete(`/api/exports/schedules/${schedule.schedule_id}`).set(bearer(gus))).status).toBe(204);
  });
});
