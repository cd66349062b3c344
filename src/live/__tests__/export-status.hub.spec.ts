import type { ExportJob } from '../../exports/export-job.entity';
import type { ExportJobsRepository } from '../../exports/export-jobs.repository';
import { InProcessExportChangeFeed } from '../export-change.feed';
import { ExportStatusHub } from '../export-status.hub';
import type { StatusListener } from '../export-status.hub';

const EXPORT_ID = 7;

function exportRow(progress: number): ExportJob {
  return {
    id: EXPORT_ID,
    user_id: 'alice',
    export_type: 'TOLLS',
    format: 'csv',
    filters: '{}',
    columns: null,
    status: 'PROCESSING',
    progress,
    processed_records: progress * 10,
    total_records: 1000,
    attempts: 1,
    error: null,
    file_name: null,
    file_size: null,
    storage_key: null,
    claim_token: 'token',
    worker_id: 'worker',
    heartbeat_at: new Date(),
    created_at: new Date('2026-01-01T00:00:00Z'),
    started_at: new Date('2026-01-01T00:00:01Z'),
    completed_at: null,
    snapshot_at: null,
    throttle_reason: null,
    expires_at: null,
    idempotency_key: null,
    request_hash: null,
    compression: null,
    csv_options: null,
    notify: null,
    schedule_id: null,
  };
}

/** The hub over a real in-process change feed and a job table of one row that counts its reads. */
function newHub() {
  const feed = new InProcessExportChangeFeed();
  const table = { row: exportRow(10), reads: 0 };
  const jobs = {
    findById: async (id: number): Promise<ExportJob | null> => {
      table.reads++;
      return id === EXPORT_ID ? table.row : null;
    },
  } as unknown as ExportJobsRepository;
  return { sut: new ExportStatusHub(jobs, feed), feed, table };
}

/** A listener that remembers the progress of every status it hears, and can wait for one. */
function recorder(): StatusListener & { seen: number[]; heard(progress: number): Promise<void> } {
  const seen: number[] = [];
  const waiting: [number, () => void][] = [];
  const listener = (status: { progress: number }): void => {
    seen.push(status.progress);
    for (const [progress, resolve] of waiting) if (progress === status.progress) resolve();
  };
  const heard = (progress: number): Promise<void> =>
    seen.includes(progress) ? Promise.resolve() : new Promise((resolve) => waiting.push([progress, resolve]));
  return Object.assign(listener, { seen, heard });
}

describe(ExportStatusHub.name, () => {
  it('reads a change once however many streams watch the export, and hands every one of them the status', async () => {
    const { sut, feed, table } = newHub();
    const listeners = Array.from({ length: 50 }, recorder);
    const stops = listeners.map((listener) => sut.watch(EXPORT_ID, listener));
    await Promise.all(listeners.map((listener) => listener.heard(10)));
    // The first watcher's read, and one more for all those who joined while it ran.
    expect(table.reads).toBeLessThanOrEqual(2);

    table.reads = 0;
    table.row = exportRow(55);
    feed.publish(EXPORT_ID);
    await Promise.all(listeners.map((listener) => listener.heard(55)));
    expect(table.reads).toBe(1);
    for (const stop of stops) stop();
  });

  it('stops reading an export once nobody watches it', async () => {
    const { sut, feed, table } = newHub();
    const listener = recorder();
    const stop = sut.watch(EXPORT_ID, listener);
    await listener.heard(10);
    stop();
    expect(sut.watched).toBe(0);

    table.reads = 0;
    feed.publish(EXPORT_ID);
    await new Promise((resolve) => setImmediate(resolve));
    expect(table.reads).toBe(0);
    expect(listener.seen).toEqual([10]);
  });

  it('keeps the others watching when one stops', async () => {
    const { sut, feed, table } = newHub();
    const [leaving, staying] = [recorder(), recorder()];
    const stopLeaving = sut.watch(EXPORT_ID, leaving);
    const stopStaying = sut.watch(EXPORT_ID, staying);
    await Promise.all([leaving.heard(10), staying.heard(10)]);
    stopLeaving();

    table.row = exportRow(80);
    feed.publish(EXPORT_ID);
    await staying.heard(80);
    expect(leaving.seen).not.toContain(80);
    expect(sut.watched).toBe(1);
    stopStaying();
  });
});
