import type { ExportJobsRepository } from '../../export-jobs.repository';
import { AttemptHeartbeat } from '../attempt-heartbeat';

/** A progress store whose writes take `writeMs` (of jest's fake clock); records every write and how many overlapped. */
function slowProgressStore(writeMs: number): { repository: ExportJobsRepository; written: number[]; maxConcurrent: () => number } {
  const written: number[] = [];
  let running = 0;
  let peak = 0;
  const repository = {
    heartbeat: async (_id: number, _token: string, progress: { processed: number }) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, writeMs));
      written.push(progress.processed);
      running--;
      return true;
    },
  } as unknown as ExportJobsRepository;
  return { repository, written, maxConcurrent: () => peak };
}

describe(AttemptHeartbeat.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('never has two progress writes in flight, so progress cannot land out of order', async () => {
    const store = slowProgressStore(35);
    const heartbeat = new AttemptHeartbeat(store.repository, 1, 'token', 10);
    heartbeat.setTotal(1000);
    heartbeat.start();
    for (let i = 0; i < 20; i++) {
      heartbeat.add(10);
      await jest.advanceTimersByTimeAsync(10);
    }
    const stopped = heartbeat.stop();
    await jest.advanceTimersByTimeAsync(35);
    await stopped;

    // 200 ms of beats every 10 ms, each write taking 35 ms: one write at a time, about one per 40 ms.
    expect(store.written).toEqual([10, 50, 90, 130, 170]);
    expect(store.maxConcurrent()).toBe(1);
  });

  it('learns from a refused write that the claim is lost', async () => {
    const repository = { heartbeat: async () => false } as unknown as ExportJobsRepository;
    const heartbeat = new AttemptHeartbeat(repository, 1, 'token', 1000);
    heartbeat.start();
    await jest.advanceTimersByTimeAsync(999);
    expect(heartbeat.isLost).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(heartbeat.isLost).toBe(true);
    await heartbeat.stop();
  });
});
