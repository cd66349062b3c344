import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import type { AppRole } from './app-role';
import { AuthModule, globalAuthGuard } from './auth/auth.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { CurbModule } from './curb/curb.module';
import { DatabaseModule } from './database/database.module';
import { ExportsModule } from './exports/exports.module';
import { EzpassModule } from './ezpass/ezpass.module';
import { HealthModule } from './health/health.module';
import { RateLimitModule, rateLimitGuard } from './http/rate-limit.module';
import { LedgerModule } from './ledger/ledger.module';
import { LoggingModule } from './logging/logging.module';
import { PvbModule } from './pvb/pvb.module';

const DOMAINS = [EzpassModule, PvbModule, CurbModule, LedgerModule];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, role: AppRole): DynamicModule {
    const servesHttp = role !== 'worker';
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        DatabaseModule,
        AuthModule,
        ...DOMAINS,
        ExportsModule.forRoot(config, role),
        ...(servesHttp ? [HealthModule, RateLimitModule] : []),
      ],
      // Order matters: authenticate first, so the rate limiter can key on the user.
      providers: servesHttp ? [globalAuthGuard, rateLimitGuard] : [],
    };
  }
}
