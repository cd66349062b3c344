import { ExportBusyError, PermanentExportError } from '../../export.errors';
import { newTestExports } from '../../__tests__/support/test-exports';
import type { TestExports } from '../../__tests__/support/test-exports';
import { ExportRunner } from '../export-runner.service';

const ROWS = [
  [1, 'T1', '1.50', '2024-01-01'],
  [2, 'T2', '-2.00', '2024-01-02'],
  [3, 'T3', '3.25', '2024-01-03'],
  [4, 'T4', '4.00', '2024-01-04'],
  [5, 'T5', '5.75', '2024-01-05'],
];
const LOST_CONNECTION = 'The database connection was lost while reading rows.';

/** A runner over fakes, with one PENDING csv export of alice's and ROWS to read. */
function arrange(fields: Parameters<TestExports['mocks']['jobs']['insert']>[0] = { user_id: 'alice' }): TestExports & { id: number } {
  const test = newTestExports();
  test.mocks.rows.rows = ROWS;
  const { id } = test.mocks.jobs.insert({ filters: '{"from_posting_date":"2024-01-01"}', ...fields });
  return { ...test, id };
}

describe(ExportRunner.name, () => {
  it('claims a PENDING export, writes every row and completes it with its records and bytes', async () => {
    const { sut, mocks, id } = arrange();
    await expect(sut.runner.run(id, { isLastAttempt: false })).resolves.toBe('completed');

    const job = mocks.jobs.rows.get(id);
    expect(job).toMatchObject({
      status: 'COMPLETED',
      attempts: 1,
      processed_records: 5,
      total_records: 5,
      progress: 100,
      claim_token: null,
    });
    expect(job?.file_name).toBe(`tolls_2024-01-01_${id}.csv`);
    const text = mocks.storage.text(job?.storage_key as string);
    expect(text.split('\r\n').filter(Boolean)).toEqual([
      '\uFEFFID,Plate,Amount,Posting Date',
      '1,T1,1.50,2024-01-01',
      '2,T2,-2.00,2024-01-02',
      '3,T3,3.25,2024-01-03',
      '4,T4,4.00,2024-01-04',
      '5,T5,5.75,2024-01-05',
    ]);
    expect(Number(job?.file_size)).toBe(Buffer.byteLength(text));
    expect(mocks.audit.events.map((event) => [event.event, event.detail])).toEqual([
      ['started', `attempt 1 on ${sut.runner.workerId}`],
      ['completed', `5 records, ${Buffer.byteLength(text)} bytes`],
    ]);
    expect(mocks.notifier.announced).toEqual([id]);
    expect(mocks.metrics.observed).toEqual([{ type: 'TOLLS', format: 'csv', outcome: 'completed', records: 5 }]);
    expect(mocks.rows).toMatchObject({ opened: 1, closed: 1 });
    expect(mocks.workers.running).toBe(0);
  });

  it('takes over a PROCESSING export whose worker went silent for longer than the lock', async () => {
    const { sut, mocks, id } = arrange({ user_id: 'alice', status: 'PROCESSING', attempts: 1, claim_token: 'dead-worker' });
    Object.assign(mocks.jobs.rows.get(id) as object, { heartbeat_at: new Date(Date.now() - sut.config.exportLockMs - 1000) });
    await expect(sut.runner.run(id, { isLastAttempt: false })).resolves.toBe('completed');
    expect(mocks.jobs.rows.get(id)).toMatchObject({ status: 'COMPLETED', attempts: 2 });
  });

  it('throws ExportBusyError and changes nothing while another live attempt holds the claim', async () => {
    const { sut, mocks, id } = arrange({
      user_id: 'alice',
      status: 'PROCESSING',
      attempts: 1,
      claim_token: 'live',
      heartbeat_at: new Date(),
    });
    const before = { ...mocks.jobs.rows.get(id) };
    await expect(sut.runner.run(id, { isLastAttempt: true })).rejects.toBeInstanceOf(ExportBusyError);
    expect(mocks.jobs.rows.get(id)).toEqual(before);
    expect(mocks.rows.opened).toBe(0);
    expect(mocks.audit.events).toEqual([]);
  });

  it.each(['COMPLETED', 'FAILED', 'CANCELLED'] as const)('skips a %s export without touching it', async (status) => {
    const { sut, mocks, id } = arrange({ user_id: 'alice', status });
    await expect(sut.runner.run(id, { isLastAttempt: false })).resolves.toBe('skipped');
    expect(mocks.jobs.rows.get(id)?.status).toBe(status);
    expect(mocks.rows.opened).toBe(0);
  });

  it('skips an export that no longer exists', async () => {
    const { sut, id } = arrange();
    await expect(sut.runner.run(id + 1, { isLastAttempt: false })).resolves.toBe('skipped');
  });

  it('stops quietly when the claim is lost mid-export (cancelled): the job stays CANCELLED and no file is kept', async () => {
    const { sut, mocks, id } = arrange();
    mocks.rows.afterBatch = (batch) => {
      if (batch === 0) void mocks.jobs.cancel(id);
    };
    await expect(sut.runner.run(id, { isLastAttempt: false })).resolves.toBe('lost');
    expect(mocks.jobs.rows.get(id)).toMatchObject({ status: 'CANCELLED', error: 'Cancelled on request', storage_key: null });
    expect(mocks.storage.files.size).toBe(0);
    expect(mocks.storage.discarded).toEqual(mocks.storage.created);
    expect(mocks.audit.of(id)).toEqual(['started']);
    expect(mocks.notifier.announced).toEqual([]);
  });

  it('puts a failed attempt that is not the last back to PENDING with a retrying message, and discards its partial file', async () => {
    const { sut, mocks, id } = arrange();
    mocks.rows.failAfterBatches = 1;
    await expect(sut.runner.run(id, { isLastAttempt: false })).rejects.toThrow('read ECONNRESET');

    expect(mocks.jobs.rows.get(id)).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      claim_token: null,
      error: `Attempt 1 failed (${LOST_CONNECTION}); retrying.`,
    });
    expect(mocks.storage.created).toHaveLength(1);
    expect(mocks.storage.discarded).toEqual(mocks.storage.created);
    expect(mocks.storage.files.size).toBe(0);
    expect(mocks.audit.events.at(-1)).toMatchObject({ event: 'retrying', detail: LOST_CONNECTION });
    expect(mocks.notifier.announced).toEqual([]);
    expect(mocks.rows.closed).toBe(1);
    expect(mocks.workers.running).toBe(0);

    // The retry starts over and completes.
    mocks.rows.failAfterBatches = undefined;
    await expect(sut.runner.run(id, { isLastAttempt: true })).resolves.toBe('completed');
    expect(mocks.jobs.rows.get(id)).toMatchObject({ status: 'COMPLETED', attempts: 2, processed_records: 5, error: null });
  });

  it('fails the export for good on its last attempt, with a message the user can act on, and announces it', async () => {
    const { sut, mocks, id } = arrange();
    mocks.rows.failure = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    mocks.rows.failAfterBatches = 2;
    await expect(sut.runner.run(id, { isLastAttempt: true })).rejects.toThrow('ENOSPC');

    const message = 'The export server ran out of disk space while writing the file. Try again later or ask an operator to free space.';
    expect(mocks.jobs.rows.get(id)).toMatchObject({ status: 'FAILED', error: message, claim_token: null });
    expect(mocks.jobs.rows.get(id)?.completed_at).toBeInstanceOf(Date);
    expect(mocks.storage.files.size).toBe(0);
    expect(mocks.audit.events.at(-1)).toMatchObject({ event: 'failed', detail: message });
    expect(mocks.notifier.announced).toEqual([id]);
  });

  it('fails at once, even with attempts left, when more rows match than a pdf takes; no file is begun', async () => {
    const { sut, mocks, id } = arrange({ user_id: 'alice', format: 'pdf' });
    mocks.rows.rows = Array.from({ length: 10_001 }, (_row, i) => [i + 1, 'T', '1.00', '2024-01-01']);
    const attempt = sut.runner.run(id, { isLastAttempt: false });
    await expect(attempt).rejects.toBeInstanceOf(PermanentExportError);

    const message = '10,001 records match; pdf exports are limited to 10,000. Narrow the filters or choose csv, json or excel.';
    expect(mocks.jobs.rows.get(id)).toMatchObject({ status: 'FAILED', error: message });
    expect(mocks.storage.created).toEqual([]);
    expect(mocks.audit.of(id)).toEqual(['started', 'failed']);
    expect(mocks.notifier.announced).toEqual([id]);
  });
});
