import { authUser } from '../../auth/auth-user';
import { TooManyActiveExportsException } from '../exports.exception';
import { ExportsService } from '../exports.service';
import { httpErrorOf, newTestExports } from './support/test-exports';

const alice = authUser('alice', []);
const bob = authUser('bob', []);
const admin = authUser('ada', ['admin']);
const CSV = { export_type: 'TOLLS', format: 'csv', filters: { from_posting_date: '2024-01-01' } };

describe(ExportsService.name, () => {
  describe('request', () => {
    it('creates a PENDING export, queues it and records who asked', async () => {
      const { sut, mocks } = newTestExports();
      const { job, created } = await sut.service.request(alice, CSV);
      expect(created).toBe(true);
      expect(mocks.jobs.rows.get(job.id)).toMatchObject({
        user_id: 'alice',
        export_type: 'TOLLS',
        status: 'PENDING',
        filters: '{"from_posting_date":"2024-01-01"}',
      });
      expect(mocks.queue.enqueued).toEqual([job.id]);
      expect(mocks.audit.events).toEqual([{ exportId: job.id, event: 'created', userId: 'alice', detail: 'TOLLS csv' }]);
    });

    it('answers 429 with Retry-After once the caller has MAX_ACTIVE_EXPORTS pending or running, and creates nothing', async () => {
      const { sut, mocks } = newTestExports({ MAX_ACTIVE_EXPORTS: '2' });
      mocks.jobs.insert({ user_id: 'alice', status: 'PENDING' });
      mocks.jobs.insert({ user_id: 'alice', status: 'PROCESSING' });
      mocks.jobs.insert({ user_id: 'alice', status: 'COMPLETED' });
      mocks.jobs.insert({ user_id: 'bob', status: 'PENDING' });

      const refusal = sut.service.request(alice, CSV);
      await expect(refusal).rejects.toBeInstanceOf(TooManyActiveExportsException);
      await expect(refusal).rejects.toMatchObject({ retryAfterSeconds: 30, active: 2 });
      expect(await httpErrorOf(() => sut.service.request(alice, CSV))).toEqual({
        status: 429,
        message: 'You have 2 exports pending or running, the most allowed at once. Wait for one to finish or cancel one, then try again.',
      });
      expect(mocks.jobs.rows.size).toBe(4);
      expect(mocks.queue.enqueued).toEqual([]);
      // The cap is per user.
      expect((await sut.service.request(bob, CSV)).created).toBe(true);
    });

    it('replays an Idempotency-Key with the same body: the same export, answered as not created, queued once', async () => {
      const { sut, mocks } = newTestExports();
      const first = await sut.service.request(alice, CSV, 'key-1');
      // Same request, its filters in another order.
      const again = await sut.service.request(alice, { ...CSV, filters: { from_posting_date: '2024-01-01' } }, 'key-1');
      expect(again).toEqual({ job: first.job, created: false });
      expect(mocks.jobs.rows.size).toBe(1);
      expect(mocks.queue.enqueued).toEqual([first.job.id]);
      // Keys are per user.
      expect((await sut.service.request(bob, CSV, 'key-1')).created).toBe(true);
    });

    it('answers 422 when an Idempotency-Key comes back with a different body', async () => {
      const { sut, mocks } = newTestExports();
      await sut.service.request(alice, CSV, 'key-1');
      expect(await httpErrorOf(() => sut.service.request(alice, { ...CSV, format: 'json' }, 'key-1'))).toEqual({
        status: 422,
        message: 'This Idempotency-Key was already used with a different request body; use a new key for a new request.',
      });
      expect(mocks.jobs.rows.size).toBe(1);
    });

    it('lets a key name a new request once its 24-hour window has passed', async () => {
      const { sut, mocks } = newTestExports();
      const old = await sut.service.request(alice, CSV, 'key-1');
      (mocks.jobs.rows.get(old.job.id) as { created_at: Date }).created_at = new Date(Date.now() - 25 * 3600 * 1000);
      const fresh = await sut.service.request(alice, { ...CSV, format: 'json' }, 'key-1');
      expect(fresh.created).toBe(true);
      expect(fresh.job.id).not.toBe(old.job.id);
    });

    it("answers the loser of two requests racing with one key with the winner's export, even when the cap refuses the loser", async () => {
      for (const cap of ['3', '1']) {
        const { sut, mocks } = newTestExports({ MAX_ACTIVE_EXPORTS: cap });
        // The winner's row lands between the loser's look-up of the key and its insert.
        const winner = (await sut.service.request(alice, CSV, 'key-1')).job;
        mocks.jobs.rows.delete(winner.id);
        mocks.jobs.beforeNextCreate(() => mocks.jobs.rows.set(winner.id, winner));

        expect(await sut.service.request(alice, CSV, 'key-1')).toEqual({ job: winner, created: false });
        expect([...mocks.jobs.rows.keys()]).toEqual([winner.id]);
        expect(mocks.queue.enqueued).toEqual([winner.id]);
      }
    });

    it('refuses a malformed Idempotency-Key with 400', async () => {
      const { sut, mocks } = newTestExports();
      expect(await httpErrorOf(() => sut.service.request(alice, CSV, 'has space'))).toEqual({
        status: 400,
        message: ['Idempotency-Key must be 1-128 visible ASCII characters'],
      });
      expect(mocks.jobs.rows.size).toBe(0);
    });

    it('answers 403 for a type that needs a role the caller lacks, and creates nothing', async () => {
      const { sut, mocks } = newTestExports();
      expect((await httpErrorOf(() => sut.service.request(alice, { export_type: 'WIDGETS', format: 'csv' }))).status).toBe(403);
      expect(mocks.jobs.rows.size).toBe(0);
      expect((await sut.service.request(authUser('fay', ['finance']), { export_type: 'WIDGETS', format: 'csv' })).created).toBe(true);
    });

    it('answers 503 and leaves no export behind when the queue is unavailable', async () => {
      const { sut, mocks } = newTestExports();
      mocks.queue.unavailable = true;
      expect(await httpErrorOf(() => sut.service.request(alice, CSV, 'key-1'))).toEqual({
        status: 503,
        message: 'The export queue is unavailable right now, so no export was created. Try again in a minute.',
      });
      expect(mocks.jobs.rows.size).toBe(0);
      expect(mocks.audit.events).toEqual([]);
      // The key was not used up.
      mocks.queue.unavailable = false;
      expect((await sut.service.request(alice, CSV, 'key-1')).created).toBe(true);
    });

    it('answers 422 for a pdf of more records than the format takes, counting only for formats with a limit', async () => {
      const { sut, mocks } = newTestExports();
      mocks.planner.matching = 10_001;
      expect(await httpErrorOf(() => sut.service.request(alice, { ...CSV, format: 'pdf' }))).toEqual({
        status: 422,
        message: '10,001 records match these filters; pdf exports are limited to 10,000. Narrow the filters or choose csv, json or excel.',
      });
      expect(mocks.jobs.rows.size).toBe(0);
      expect(mocks.planner.counted).toHaveLength(1);

      expect((await sut.service.request(alice, CSV)).created).toBe(true);
      expect(mocks.planner.counted).toHaveLength(1);
      mocks.planner.matching = 10_000;
      expect((await sut.service.request(alice, { ...CSV, format: 'pdf' })).created).toBe(true);
    });
  });

  describe('visibility', () => {
    it("answers 404 for another user's export, exactly as for a missing one; admins see it", async () => {
      const { sut, mocks } = newTestExports();
      const { id } = mocks.jobs.insert({ user_id: 'alice', status: 'COMPLETED' });
      const missing = { status: 404, message: `Export ${id} not found` };
      expect(await httpErrorOf(() => sut.service.status(bob, id))).toEqual(missing);
      expect(await httpErrorOf(() => sut.service.cancel(bob, id))).toEqual(missing);
      expect(await httpErrorOf(() => sut.service.retry(bob, id))).toEqual(missing);
      expect(await httpErrorOf(() => sut.service.download(bob, id))).toEqual(missing);
      expect(await httpErrorOf(() => sut.service.events(bob, id))).toEqual(missing);
      expect(await httpErrorOf(() => sut.service.status(bob, id + 1))).toEqual({ status: 404, message: `Export ${id + 1} not found` });
      expect((await sut.service.status(admin, id)).status).toBe('COMPLETED');
      expect((await sut.service.status(alice, id)).status).toBe('COMPLETED');
    });

    it("lists a user's own exports only, and everyone's to admins only (403 for others)", async () => {
      const { sut, mocks } = newTestExports();
      mocks.jobs.insert({ user_id: 'alice' });
      mocks.jobs.insert({ user_id: 'bob' });
      mocks.jobs.insert({ user_id: 'alice', status: 'FAILED' });
      expect((await sut.service.list(alice)).items.map((item) => item.status)).toEqual(['FAILED', 'PENDING']);
      expect(await httpErrorOf(() => sut.service.listAll(alice, {}))).toEqual({
        status: 403,
        message: "Only admins can list everyone's exports; your own are at GET /api/exports/my-exports.",
      });
      expect((await sut.service.listAll(admin, {})).total_items).toBe(3);
      expect((await sut.service.listAll(admin, { userId: 'alice', status: 'FAILED' })).total_items).toBe(1);
    });
  });

  describe('retry', () => {
    it('puts a FAILED export back in line under its own id, queued and audited', async () => {
      const { sut, mocks } = newTestExports();
      const { id } = mocks.jobs.insert({ user_id: 'alice', status: 'FAILED', attempts: 3, error: 'boom' });
      expect(await sut.service.retry(alice, id)).toMatchObject({ export_id: id, status: 'PENDING' });
      expect(mocks.jobs.rows.get(id)).toMatchObject({ status: 'PENDING', attempts: 0, error: null });
      expect(mocks.queue.enqueued).toEqual([id]);
      expect(mocks.audit.events).toEqual([{ exportId: id, event: 'retrying', userId: 'alice', detail: 'retried by its owner' }]);
    });

    it.each(['PENDING', 'PROCESSING', 'COMPLETED', 'EXPIRED'] as const)('answers 409 for a %s export', async (status) => {
      const { sut, mocks } = newTestExports();
      const { id } = mocks.jobs.insert({ user_id: 'alice', status });
      expect(await httpErrorOf(() => sut.service.retry(alice, id))).toEqual({
        status: 409,
        message: `Export ${id} is ${status}; only FAILED or CANCELLED exports can be retried`,
      });
      expect(mocks.queue.enqueued).toEqual([]);
    });

    it("answers an owner's retry with 429 at the active cap; an admin's retry is not counted against the owner", async () => {
      const { sut, mocks } = newTestExports({ MAX_ACTIVE_EXPORTS: '1' });
      mocks.jobs.insert({ user_id: 'alice', status: 'PROCESSING' });
      const { id } = mocks.jobs.insert({ user_id: 'alice', status: 'CANCELLED' });
      expect((await httpErrorOf(() => sut.service.retry(alice, id))).status).toBe(429);
      expect(mocks.jobs.rows.get(id)?.status).toBe('CANCELLED');

      expect((await sut.service.retry(admin, id)).status).toBe('PENDING');
      expect(mocks.audit.of(id)).toEqual(['retrying']);
      expect(mocks.audit.events[0]).toMatchObject({ userId: 'ada', detail: 'retried by an admin' });
    });
  });

  describe('cancel and download', () => {
    it('cancels an active export and answers 409 for a finished one', async () => {
      const { sut, mocks } = newTestExports();
      const running = mocks.jobs.insert({ user_id: 'alice', status: 'PROCESSING' });
      expect((await sut.service.cancel(alice, running.id)).status).toBe('CANCELLED');
      expect(mocks.audit.of(running.id)).toEqual(['cancelled']);
      expect(await httpErrorOf(() => sut.service.cancel(alice, running.id))).toEqual({
        status: 409,
        message: `Export ${running.id} is already CANCELLED; only PENDING or PROCESSING exports can be cancelled`,
      });
    });

    it('streams a COMPLETED export; 409 before it is complete, 410 once it expired or its file is gone', async () => {
      const { sut, mocks } = newTestExports();
      const file = await mocks.storage.create('1-file.csv');
      file.stream.end('id\n1\n');
      await new Promise((resolve) => file.stream.once('finish', resolve));
      await file.commit();
      const done = mocks.jobs.insert({
        user_id: 'alice',
        status: 'COMPLETED',
        storage_key: '1-file.csv',
        file_name: 'tolls_1.csv',
        file_size: '5',
        completed_at: new Date(),
      });
      const download = await sut.service.download(alice, done.id);
      expect(download).toMatchObject({ kind: 'stream', fileName: 'tolls_1.csv', contentType: 'text/csv; charset=utf-8' });
      expect(mocks.audit.of(done.id)).toEqual(['downloaded']);

      const running = mocks.jobs.insert({ user_id: 'alice', status: 'PROCESSING' });
      expect((await httpErrorOf(() => sut.service.download(alice, running.id))).status).toBe(409);
      const expired = mocks.jobs.insert({ user_id: 'alice', status: 'EXPIRED' });
      expect((await httpErrorOf(() => sut.service.download(alice, expired.id))).status).toBe(410);
      await mocks.storage.remove('1-file.csv');
      expect(await httpErrorOf(() => sut.service.download(alice, done.id))).toEqual({
        status: 410,
        message: `The file of export ${done.id} is no longer available; request the export again`,
      });
    });
  });
});
