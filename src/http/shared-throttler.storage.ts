import { Logger } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ThrottlerStorageService } from '@nestjs/throttler';
import type { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';
import { redisOptions } from '../redis/redis-options';

type Hits = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * Rate-limit counters in Redis, so every API node counts against the same limit. While Redis is
 * unreachable each node counts in its own memory: limits stay, per node, and no request waits for Redis.
 */
export class SharedThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit');
  private readonly redis: Redis;
  private readonly shared: ThrottlerStorageRedisService;
  private readonly local = new ThrottlerStorageService();
  private degraded = false;

  constructor(redisUrl: string, keyPrefix: string) {
    this.redis = new Redis({ ...redisOptions(redisUrl), keyPrefix, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.shared = new ThrottlerStorageRedisService(this.redis);
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<Hits> {
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
