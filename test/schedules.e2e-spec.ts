import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { ExportColumn } from '../src/exports/query/export-query.provider';
import { ScheduleReconciler } from '../src/schedules/schedule-reconciler.service';
import { SCHEDULE_QUEUE } from '../src/schedules/schedule-trigger';
import { EzpassExportQuery } from '../src/ezpass/ezpass-export.query';
import { redisOptions } from '../src/redis/redis-options';
import { download, parseCsv, waitForExport } from './support/exports';
import type { StatusBody } from './support/exports';
import { ezpassRows, insertRows } from './support/factories';
import { waitFor } from './support/processes';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { REDIS_SERVER } from './support/test-env';
import { bearer, tokenFor } from './support/tokens';

type Http = TestApp['http'];

interface ScheduleBody {
  schedule_id: string;
  user_id: string;
  cron: string;
  timezone: string;
  next_run_at: string;
  relative_dates: Record<string, string>;
}

interface ScheduledExportRow {
  id: number;
  user_id: string;
  idempotency_key: string;
  filters: string;
}

const postingDateHeader = (new EzpassExportQuery().columns.find((column) => column.key === 'posting_date') as ExportColumn).header;
const ymd = (date: Date): string => date.toISOString().slice(0, 10);
const utcDay = (year: number, month: number, day: number): Date => new Date(Date.UTC(year, month, day));

/** The calendar month before the one `millis` falls in, in UTC. */
function previousMonth(millis: number): { from: string; to: string } {
  const at = new Date(millis);
  return { from: ymd(utcDay(at.getUTCFullYear(), at.getUTCMonth() - 1, 1)), to: ymd(utcDay(at.getUTCFullYear(), at.getUTCMonth(), 0)) };
}

/** EZPass rows posted on both edges of last month, inside it, and just outside it (months before and after). */
function rowsAroundLastMonth(now: Date): ReturnType<typeof ezpassRows> {
  const [y, m] = [now.getUTCFullYear(), now.getUTCMonth()];
  const postingDates = [
    utcDay(y, m - 2, 1),
    utcDay(y, m - 1, 0), // last day of the month before last
    utcDay(y, m - 1, 1),
    utcDay(y, m - 1, 2),
    utcDay(y, m - 1, 10),
    utcDay(y, m - 1, 15),
    utcDay(y, m - 1, 20),
    utcDay(y, m, 0), // last day of last month
    utcDay(y, m, 1),
    utcDay(y, m, 2),
  ];
  return ezpassRows(postingDates.length * 3, 21).map((row, i) => ({ ...row, posting_date: ymd(postingDates[i % postingDates.length]) }));
}

async function createSchedule(http: Http, token: string, body: object): Promise<ScheduleBody> {
  const response = await http().post('/api/exports/schedules').set(bearer(token)).send(body);
  if (response.status !== 201) throw new Error(`Expected 201, got ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as ScheduleBody;
}

function scheduledExports(db: DataSource, scheduleId: string): Promise<ScheduledExportRow[]> {
  return db.query('SELECT id, user_id, idempotency_key, filters FROM export_jobs WHERE schedule_id = ? ORDER BY id', [scheduleId]);
}

async function countPosted(db: DataSource, range: { from: string; to: string }): Promise<number> {
  const [{ n }] = await db.query<{ n: string | number }[]>(
    'SELECT COUNT(*) AS n FROM ezpass_transactions WHERE posting_date BETWEEN ? AND ?',
    [range.from, range.to],
  );
  return Number(n);
}

const occurrenceOf = (key: string): number => Number(key.split(':').pop());

describe('Scheduled exports (MariaDB, BullMQ on Redis, one API and two workers)', () => {
  let stack: TestStack;
  let api: TestApp;
  let workers: TestApp[];
  let queue: Queue;
  const alice = tokenFor('alice');
  const bob = tokenFor('bob');
  const admin = tokenFor('root', ['admin']);
  const http: Http = () => api.http();

  /** Jobs of one schedule's scheduler in the given states (BullMQ names them repeat:<id>:<millis>). */
  async function schedulerJobs(scheduleId: string, states: ('completed' | 'failed' | 'active' | 'waiting' | 'delayed')[]) {
    return (await queue.getJobs(states, 0, -1)).filter((job) => job.id?.startsWith(`repeat:${scheduleId}:`));
  }

  /** Deletes the schedule and waits until no occurrence of it is queued or running. */
  async function deleteAndSettle(scheduleId: string): Promise<void> {
    expect((await http().delete(`/api/exports/schedules/${scheduleId}`).set(bearer(alice))).status).toBe(204);
    await waitFor(
      async () => (await schedulerJobs(scheduleId, ['active', 'waiting', 'delayed'])).length === 0,
      10_000,
      () => 'occurrences to settle',
    );
  }

  beforeAll(async () => {
    // Reconciliation only at start: the test below runs it by hand.
    stack = await createTestStack({
      database: 'mariadb',
      redis: true,
      env: { SCHEDULE_MIN_INTERVAL: '1s', EXPORT_PROGRESS_MS: '100', SCHEDULE_RECONCILE_INTERVAL: '1h' },
    });
    await insertRows(stack.db, 'ezpass_transactions', rowsAroundLastMonth(new Date()));
    [api, ...workers] = await Promise.all([startTestApp(stack, 'api'), startTestApp(stack, 'worker'), startTestApp(stack, 'worker')]);
    queue = new Queue(SCHEDULE_QUEUE, { connection: redisOptions(REDIS_SERVER), prefix: stack.env.QUEUE_PREFIX });
  });

  afterAll(async () => {
    await queue?.close();
    await Promise.all([api, ...(workers ?? [])].map((app) => app?.close()));
    await stack?.teardown();
  });

  it("runs every occurrence exactly once across two workers, each an export of the previous month's rows in my-exports", async () => {
    const schedule = await createSchedule(http, alice, {
      name: 'Last month, every second',
      cron: '* * * * * *',
      timezone: 'UTC',
      export_type: 'EZPASS',
      format: 'csv',
      relative_dates: { posting_date: 'previous_month' },
    });
    expect(schedule).toMatchObject({
      user_id: 'alice',
      cron: '* * * * * *',
      timezone: 'UTC',
      relative_dates: { posting_date: 'previous_month' },
    });
    expect(new Date(schedule.next_run_at).getUTCMilliseconds()).toBe(0);

    await waitFor(
      async () => (await scheduledExports(stack.db, schedule.schedule_id)).length >= 3,
      30_000,
      () => 'three occurrences',
    );
    // A second delivery of an occurrence that already ran (a retry, a stalled job) finds its export.
    const [first] = await scheduledExports(stack.db, schedule.schedule_id);
    const redelivered = await queue.add(
      'run',
      { scheduleId: schedule.schedule_id },
      { jobId: 'redelivery', prevMillis: occurrenceOf(first.idempotency_key) },
    );
    await waitFor(
      async () => (await redelivered.getState()) === 'completed',
      10_000,
      () => 'the redelivered occurrence',
    );
    await deleteAndSettle(schedule.schedule_id);

    const exports = await scheduledExports(stack.db, schedule.schedule_id);
    const occurrences = (await schedulerJobs(schedule.schedule_id, ['completed'])).map((job) => Number(job.id?.split(':').pop()));
    expect(await schedulerJobs(schedule.schedule_id, ['failed'])).toEqual([]);
    expect(occurrences.length).toBeGreaterThanOrEqual(3);
    expect(exports.map((row) => row.idempotency_key).sort()).toEqual(
      occurrences.map((millis) => `schedule:${schedule.schedule_id}:${millis}`).sort(),
    );
    expect(occurrences.every((millis) => millis % 1000 === 0)).toBe(true);
    expect(exports.every((row) => row.user_id === 'alice')).toBe(true);

    const listed = (await http().get('/api/exports/my-exports?per_page=100').set(bearer(alice))).body as {
      items: (StatusBody & { schedule_id: string })[];
    };
    expect(
      listed.items
        .filter((item) => item.schedule_id === schedule.schedule_id)
        .map((item) => item.export_id)
        .sort(),
    ).toEqual(exports.map((row) => row.id).sort());

    for (const row of exports) {
      const range = previousMonth(occurrenceOf(row.idempotency_key));
      expect(JSON.parse(row.filters)).toEqual({ from_posting_date: range.from, to_posting_date: range.to });
      const status = await waitForExport(http, alice, row.id);
      expect(status).toMatchObject({ status: 'COMPLETED', processed_records: await countPosted(stack.db, range) });
    }

    const range = previousMonth(occurrenceOf(exports[0].idempotency_key));
    const [header, ...rows] = await parseCsv((await download(http, alice, exports[0].id)).body.toString('utf8'));
    const postingDate = header.indexOf(postingDateHeader);
    expect(rows.length).toBe(await countPosted(stack.db, range));
    expect(rows.length).toBeLessThan(30);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((cells) => cells[postingDate] >= range.from && cells[postingDate] <= range.to)).toBe(true);
  });

  it('stops on DELETE: the scheduler is removed, and a leftover occurrence of the deleted schedule does nothing', async () => {
    const schedule = await createSchedule(http, alice, {
      cron: '* * * * * *',
      timezone: 'Europe/London',
      export_type: 'PVB',
      format: 'json',
    });
    expect(await queue.getJobScheduler(schedule.schedule_id)).toMatchObject({ pattern: '* * * * * *', tz: 'Europe/London' });
    await waitFor(
      async () => (await scheduledExports(stack.db, schedule.schedule_id)).length >= 1,
      30_000,
      () => 'an occurrence',
    );

    await deleteAndSettle(schedule.schedule_id);
    expect(await queue.getJobScheduler(schedule.schedule_id)).toBeUndefined();
    expect((await http().get(`/api/exports/schedules/${schedule.schedule_id}`).set(bearer(alice))).status).toBe(404);
    const made = (await scheduledExports(stack.db, schedule.schedule_id)).length;

    const leftover = await queue.add('run', { scheduleId: schedule.schedule_id }, { jobId: 'leftover', prevMillis: Date.now() });
    await waitFor(
      async () => (await leftover.getState()) === 'completed',
      10_000,
      () => 'the leftover occurrence',
    );
    // Three more seconds in which an every-second schedule would have fired three times.
    await sleep(3000);
    expect((await scheduledExports(stack.db, schedule.schedule_id)).length).toBe(made);
  });

  it('refuses a bad cron, timezone, relative date or export request with a 400 naming each field, and creates nothing', async () => {
    const response = await http()
      .post('/api/exports/schedules')
      .set(bearer(alice))
      .send({
        cron: '61 * * * *',
        timezone: 'Mars/Olympus_Mons',
        export_type: 'EZPASS',
        format: 'xml',
        relative_dates: { posting_date: 'last_quarter', plate_number: 'previous_day' },
      });
    expect(response.status).toBe(400);
    const messages = (response.body as { message: string[] }).message;
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^cron is not a valid expression/),
        expect.stringMatching(/^timezone must be an IANA time zone/),
        expect.stringMatching(/^format must be one of/),
        expect.stringMatching(/^relative_dates\.posting_date must be one of: previous_day, /),
        expect.stringMatching(/^relative_dates\.plate_number is not a date filter of EZPASS/),
      ]),
    );

    const cases: [object, RegExp][] = [
      [{ cron: '* * * *', timezone: 'UTC', export_type: 'EZPASS', format: 'csv' }, /^cron must have 5 fields/],
      [{ timezone: 'UTC', export_type: 'EZPASS', format: 'csv' }, /^cron must be a cron expression/],
      [
        { cron: '0 2 1 * *', timezone: 'UTC', export_type: 'EZPASS', format: 'csv', filters: { from_amount: 'ten' } },
        /^filters\.from_amount must be a decimal/,
      ],
      [{ cron: '0 2 1 * *', timezone: 'UTC', export_type: 'NOPE', format: 'csv' }, /^export_type must be one of/],
      [
        {
          cron: '0 2 1 * *',
          timezone: 'UTC',
          export_type: 'EZPASS',
          format: 'csv',
          filters: { from_posting_date: '2024-01-01' },
          relative_dates: { posting_date: 'previous_month' },
        },
        /^relative_dates\.posting_date and filters\.from_posting_date/,
      ],
    ];
    for (const [body, message] of cases) {
      const refused = await http().post('/api/exports/schedules').set(bearer(alice)).send(body);
      expect(refused.status).toBe(400);
      expect((refused.body as { message: string[] }).message).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
    }
    expect((await http().get('/api/exports/schedules').set(bearer(alice))).body).toMatchObject({ items: [], total_items: 0 });
  });

  it('reconciles the job schedulers with export_schedules: nothing when in line, a missing one registered, an orphan removed', async () => {
    const schedule = await createSchedule(http, alice, {
      cron: '0 2 1 * *',
      timezone: 'America/New_York',
      export_type: 'EZPASS',
      format: 'csv',
    });
    const reconciler = workers[0].app.get(ScheduleReconciler);
    expect(await reconciler.reconcile()).toEqual({ registered: 0, removed: 0 });

    await queue.removeJobScheduler(schedule.schedule_id);
    await queue.upsertJobScheduler('orphan', { pattern: '0 3 * * *', tz: 'UTC' }, { name: 'run', data: { scheduleId: 'orphan' } });
    expect(await reconciler.reconcile()).toEqual({ registered: 1, removed: 1 });
    expect(await queue.getJobScheduler(schedule.schedule_id)).toMatchObject({ pattern: '0 2 1 * *', tz: 'America/New_York' });
    expect(await queue.getJobScheduler('orphan')).toBeUndefined();
    expect(await reconciler.reconcile()).toEqual({ registered: 0, removed: 0 });

    await deleteAndSettle(schedule.schedule_id);
    expect(await reconciler.reconcile()).toEqual({ registered: 0, removed: 0 });
  });

  it("answers 404 for another user's schedule, which only its owner and admins can see", async () => {
    const schedule = await createSchedule(http, alice, {
      cron: '0 2 1 * *',
      timezone: 'America/New_York',
      export_type: 'CURB',
      format: 'excel',
    });
    expect(schedule.next_run_at).toMatch(/T0[67]:00:00\.000Z$/);

    expect((await http().get(`/api/exports/schedules/${schedule.schedule_id}`).set(bearer(bob))).status).toBe(404);
    expect((await http().delete(`/api/exports/schedules/${schedule.schedule_id}`).set(bearer(bob))).status).toBe(404);
    expect((await http().get('/api/exports/schedules').set(bearer(bob))).body).toMatchObject({ items: [], total_items: 0 });
    expect((await http().get(`/api/exports/schedules/${schedule.schedule_id}`).set(bearer(alice))).body).toMatchObject({
      schedule_id: schedule.schedule_id,
    });
    const everyone = (await http().get('/api/exports/schedules').set(bearer(admin))).body as { items: ScheduleBody[] };
    expect(everyone.items.map((s) => s.schedule_id)).toEqual([schedule.schedule_id]);

    await deleteAndSettle(schedule.schedule_id);
  });
});

describe('Scheduled exports in the embedded profile (SQLite, timers in one process)', () => {
  let stack: TestStack;
  let app: TestApp;
  const alice = tokenFor('alice');

  beforeAll(async () => {
    stack = await createTestStack({ database: 'sqlite', redis: false, env: { SCHEDULE_MIN_INTERVAL: '2s' } });
    await insertRows(stack.db, 'ezpass_transactions', ezpassRows(200, 3));
    app = await startTestApp(stack);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  it('fires each occurrence once into my-exports, and stops on DELETE', async () => {
    const schedule = await createSchedule(app.http, alice, {
      cron: '*/2 * * * * *',
      timezone: 'UTC',
      export_type: 'EZPASS',
      format: 'csv',
      filters: { from_posting_date: '2024-01-01', to_posting_date: '2024-01-31' },
    });
    await waitFor(
      async () => (await scheduledExports(stack.db, schedule.schedule_id)).length >= 2,
      30_000,
      () => 'two occurrences',
    );
    expect((await app.http().delete(`/api/exports/schedules/${schedule.schedule_id}`).set(bearer(alice))).status).toBe(204);

    const exports = await scheduledExports(stack.db, schedule.schedule_id);
    const keys = exports.map((row) => row.idempotency_key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.every((key) => occurrenceOf(key) % 2000 === 0)).toBe(true);
    const january = await countPosted(stack.db, { from: '2024-01-01', to: '2024-01-31' });
    for (const row of exports)
      expect(await waitForExport(app.http, alice, row.id)).toMatchObject({ status: 'COMPLETED', processed_records: january });

    await sleep(3000);
    expect((await scheduledExports(stack.db, schedule.schedule_id)).length).toBe(exports.length);
  });

  it('documents the schedule endpoints and body in the OpenAPI document', async () => {
    const doc = (await app.http().get('/api/docs-json')).body as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties: Record<string, unknown>; required?: string[] }> };
    };
    expect(Object.keys(doc.paths['/api/exports/schedules']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/exports/schedules/{id}']).sort()).toEqual(['delete', 'get']);
    const body = doc.components.schemas.CreateScheduleDto;
    expect(Object.keys(body.properties)).toEqual(
      expect.arrayContaining(['cron', 'timezone', 'relative_dates', 'export_type', 'format', 'filters']),
    );
    expect(body.required).toEqual(expect.arrayContaining(['cron', 'timezone', 'export_type', 'format']));
  });

  it('refuses a cron that fires more often than SCHEDULE_MIN_INTERVAL', async () => {
    const response = await app
      .http()
      .post('/api/exports/schedules')
      .set(bearer(alice))
      .send({ cron: '* * * * * *', timezone: 'UTC', export_type: 'EZPASS', format: 'csv' });
    expect(response.status).toBe(400);
    expect((response.body as { message: string[] }).message).toEqual([
      'cron fires as often as every 1 s; schedules may fire at most once every 2 s',
    ]);
  });
});
