import { setTimeout as sleep } from 'node:timers/promises';
import type { ExportJobsRepository } from '../../export-jobs.repository';
import { AttemptHeartbeat } from '../attempt-heartbeat';

/** A progress store whose writes take `writeMs`; records every write and how many overlapped. */
function slowProgressStore(writeMs: number): { repository: ExportJobsRepository; written: number[]; maxConcurrent: () => number } {
  const written: number[] = [];
  let running = 0;
  let peak = 0;
  const repository = {
    heartbeat: async (_id: number, _token: string, progress: { processed: number }) => {
      running++;
      peak = Math.max(peak, running);
      await sleep(writeMs);
      written.push(progress.processed);
      running--;
      return true;
    },
  } as unknown as ExportJobsRepository;
  return { repository, written, maxConcurrent: () => peak };
}

describe(AttemptHeartbeat.name, () => {
  it('never has two progress writes in flight, so progress cannot land out of order', async () => {
    const store = slowProgressStore(35);
    const heartbeat = new AttemptHeartbeat(store.repository, 1, 'token', 10);
    heartbeat.setTotal(1000);
    heartbeat.start();
    for (let i = 0; i < 20; i++) {
      heartbeat.add(10);
      await sleep(10);
    }
    await heartbeat.stop();

    expect(store.written.length).toBeGreaterThanOrEqual(3);
    expect(store.maxConcurrent()).toBe(1);
    expect(store.written).toEqual([...store.written].sort((a, b) => a - b));
  });
});
