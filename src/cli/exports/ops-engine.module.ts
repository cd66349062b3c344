import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module';
import type { AppConfig } from '../../config/app-config';
import { ConfigModule } from '../../config/config.module';
import { DatabaseModule } from '../../database/database.module';
import { DOMAIN_MODULES } from '../../domains';
import { ExportsModule } from '../../exports/exports.module';
import { LiveModule } from '../../live/live.module';

/** The database, the domains, the export engine (which provides ExportOpsService) and its change feed, for the operator verbs. */
@Module({})
export class OpsEngineModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: OpsEngineModule,
      imports: [
        ConfigModule.forRoot(config),
        AuthModule,
        DatabaseModule.forRoot(DOMAIN_MODULES),
        ...DOMAIN_MODULES,
        ExportsModule.forRoot(config, 'cli'),
        // The verbs' changes (cancel, retry) reach the API's live streams through its change feed.
        LiveModule.forRoot(config, 'cli'),
      ],
    };
  }
}
