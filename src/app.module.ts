import { Module } from '@nestjs/common';
import type { DynamicModule, Type } from '@nestjs/common';
import { forRoles } from './app-role';
import type { AppRole } from './app-role';
import { AuthModule, globalAuthGuard } from './auth/auth.module';
import { SignInModule } from './auth/sign-in.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DOMAIN_MODULES } from './domains';
import { ExportsModule } from './exports/exports.module';
import { HealthModule } from './health/health.module';
import { RateLimitModule, rateLimitGuard } from './http/rate-limit.module';
import { LiveModule } from './live/live.module';
import { LoggingModule } from './logging/logging.module';
import { NotificationsModule } from './notifications/notifications.module';
import { SchedulesModule } from './schedules/schedules.module';
import { TracingShutdown } from './tracing/tracing-shutdown';

@Module({})
export class AppModule {
  /** `domains`: the domain modules to serve (every one in `src/domains.ts` unless a test brings its own). */
  static forRoot(config: AppConfig, role: AppRole, domains: readonly Type[] = DOMAIN_MODULES): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        DatabaseModule.forRoot(domains),
        AuthModule,
        ...domains,
        ExportsModule.forRoot(config, role),
        LiveModule.forRoot(config, role),
        SchedulesModule.forRoot(config, role),
        NotificationsModule.forRoot(config, role),
        ...forRoles(role, { api: [HealthModule, RateLimitModule, SignInModule.forRoot(config)] }),
      ],
      // Order matters: authenticate first, so the rate limiter can key on the user.
      providers: [...forRoles(role, { api: [globalAuthGuard, rateLimitGuard] }), TracingShutdown],
    };
  }
}
