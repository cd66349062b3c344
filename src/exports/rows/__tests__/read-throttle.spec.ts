import { ReadThrottle } from '../read-throttle';
import type { ReadThrottleOptions } from '../read-throttle';
import { ROW_BATCH_SIZE } from '../row-source';

/** A clock whose sleeps pass at once, and a source that notes when each batch is read. */
function newTestThrottle(options: Partial<ReadThrottleOptions> = {}, loads: number[] = []) {
  let now = 0;
  const changes: (string | null)[] = [];
  const sleeps: number[] = [];
  const readAt: number[] = [];
  const sut = new ReadThrottle({
    loadLimits: [],
    readLoad: async () => new Map([['threads_running', loads.length > 1 ? (loads.shift() as number) : (loads[0] ?? 0)]]),
    checkMs: 1000,
    clock: {
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
        // let the test's own code run between sleeps, as a real timer would
        await new Promise((resolve) => setImmediate(resolve));
      },
    },
    onChange: async (reason) => changes.push(reason),
    stopped: () => false,
    ...options,
  });
  async function* source(batches: number, size: number, readMs: number): AsyncIterable<number[]> {
    for (let b = 0; b < batches; b++) {
      readAt.push(now);
      now += readMs;
      yield Array.from({ length: size }, (_, i) => b * size + i);
    }
  }
  /** Reads `batches` batches of `size` rows, each taking `readMs` of the clock's time. */
  async function drain(batches: number, size: number, readMs = 0): Promise<number[][]> {
    const handed: number[][] = [];
    for await (const batch of sut.paced(source(batches, size, readMs))) handed.push(batch);
    return handed;
  }
  return { sut, drain, changes, sleeps, readAt, clock: () => now };
}

describe(ReadThrottle.name, () => {
  it('hands batches on untouched and never waits without limits', async () => {
    const { drain, changes, sleeps } = newTestThrottle();
    const handed = await drain(3, ROW_BATCH_SIZE);
    expect(handed.map((batch) => batch.length)).toEqual([ROW_BATCH_SIZE, ROW_BATCH_SIZE, ROW_BATCH_SIZE]);
    expect(sleeps).toEqual([]);
    expect(changes).toEqual([]);
  });

  it('under a rate cap hands at most a second of rows at a time and takes rows/rate seconds', async () => {
    const { drain, changes, clock } = newTestThrottle({ maxRowsPerSecond: 200 });
    const handed = await drain(2, 1000);
    expect(handed.map((batch) => batch.length)).toEqual(Array(10).fill(200));
    expect(handed.flat()).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    expect(clock()).toBeGreaterThanOrEqual((2000 / 200) * 1000);
    // one change for the whole capped read, not one per batch
    expect(changes).toEqual(['rate capped at 200 rows/s']);
  });

  it('says nothing about a rate cap the read stays under', async () => {
    const { drain, changes, sleeps } = newTestThrottle({ maxRowsPerSecond: 1_000_000 });
    // 100,000 rows a second
    await drain(3, 1000, 10);
    expect(sleeps).toEqual([]);
    expect(changes).toEqual([]);
  });

  it('pauses reading while a status variable is over its limit, re-checking every checkMs, then goes on', async () => {
    const { drain, changes, sleeps, readAt } = newTestThrottle({ loadLimits: [{ variable: 'Threads_running', max: 16 }] }, [3, 23, 30, 5]);
    const handed = await drain(3, 100);
    expect(handed.flat()).toHaveLength(300);
    expect(changes).toEqual(['Threads_running 23 > 16', 'Threads_running 30 > 16', null]);
    expect(sleeps).toEqual([1000, 1000]);
    // the second batch is read only after the pause: nothing is read while paused
    expect(readAt).toEqual([0, 0, 2000]);
  });

  it('ends a pause when the attempt is over, so its owner can stop', async () => {
    let lost = false;
    const { drain, changes, sleeps } = newTestThrottle(
      { loadLimits: [{ variable: 'Threads_running', max: 16 }], stopped: () => lost },
      [3, 50],
    );
    const draining = drain(2, 100);
    // the server stays busy: the pause would never end on its own
    while (sleeps.length < 3) await new Promise((resolve) => setImmediate(resolve));
    lost = true;
    expect((await draining).flat()).toHaveLength(200);
    expect(changes).toEqual(['Threads_running 50 > 16']);
  });
});
