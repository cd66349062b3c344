import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { SharedThrottlerStorage } from './shared-throttler.storage';
import { UserThrottlerGuard } from './user-throttler.guard';

/** `default`: every route; `exports`: only where a route opts in (creating exports). */
export const EXPORT_REQUESTS_THROTTLER = 'exports';

/** Registered after the JWT guard so the limiter can key on the user. */
export const rateLimitGuard = { provide: APP_GUARD, useClass: UserThrottlerGuard };

@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        throttlers: [
          { name: 'default', ttl: 60_000, limit: config.rateLimitPerMinute },
          { name: EXPORT_REQUESTS_THROTTLER, ttl: 60_000, limit: config.exportRequestsPerMinute },
        ],
        // The named throttler's headers (Retry-After-exports, X-RateLimit-*-exports) are not standard: the guard sets Retry-After.
        setHeaders: false,
        storage: config.redisUrl ? new SharedThrottlerStorage(config.redisUrl, `${config.queuePrefix}:throttle:`) : undefined,
      }),
    }),
  ],
})
export class RateLimitModule {}
