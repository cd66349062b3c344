import { SharedThrottlerStorage } from '../shared-throttler.storage';

describe(SharedThrottlerStorage.name, () => {
  it('counts in memory, and still limits, while Redis cannot be reached', async () => {
    const storage = new SharedThrottlerStorage('redis://127.0.0.1:1', 'unreachable:');
    try {
      const hits = [];
      for (let i = 0; i < 3; i++) hits.push(await storage.increment('client', 60_000, 2, 60_000, 'default'));
      expect(hits.map((hit) => hit.isBlocked)).toEqual([false, false, true]);
      expect(hits[2].timeToBlockExpire).toBeGreaterThan(0);
    } finally {
      storage.onApplicationShutdown();
    }
  });
});
