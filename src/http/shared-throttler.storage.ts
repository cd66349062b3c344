import { Logger } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ThrottlerStorageService } from '@nestjs/throttler';
import type { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';
import { redisOptions } from '../redis/redis-options';

type Hits = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** A count waits this long for Redis (while it connects at start, say) before this node counts alone. */
const REDIS_WAIT_MS = 1000;

/**
 * Rate-limit counters in Redis, so every API node counts against the same limit. Once Redis has
 * failed, each node counts in its own memory until Redis is back: limits stay, per node, and no
 * request waits for an unreachable Redis.
 */
export class SharedThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit');
  private readonly redis: Redis;
  private readonly shared: ThrottlerStorageRedisService;
  private readonly local = new ThrottlerStorageService();
  private degraded = false;

  constructor(redisUrl: string, keyPrefix: string) {
    this.redis = new Redis({ ...redisOptions(redisUrl), keyPrefix, commandTimeout: REDIS_WAIT_MS, maxRetriesPerRequest: 1 });
    this.shared = new ThrottlerStorageRedisService(this.redis);
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<Hits> {
    if (this.degraded && this.redis.status !== 'ready') return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
    try {
      const hits = await this.shared.increment(key, ttl, limit, blockDuration, throttlerName);
      if (this.degraded) this.logger.log('Rate limits are shared through Redis again');
      this.degraded = false;
      return hits;
    } catch (error) {
      if (!this.degraded) {
        this.logger.warn(
          `Rate limits count per API node while Redis is unreachable: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      this.degraded = true;
      return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }

  onApplicationShutdown(): void {
    this.local.onApplicationShutdown();
    this.redis.disconnect();
  }
}
