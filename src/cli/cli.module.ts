import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import type { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { DOMAIN_MODULES } from '../domains';
import { ExportsModule } from '../exports/exports.module';
import { EXPORT_COMMANDS } from '../exports/commands';
import { MigrateCommand } from './migrate.command';
import { SeedCommand } from './seed.command';
import { TokenCommand } from './token.command';

@Module({})
export class CliModule {
  /** `withExports` loads the database and the engine; token, migrate and seed start without them. */
  static forRoot(config: AppConfig, withExports: boolean): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        AuthModule,
        ...(withExports ? [DatabaseModule.forRoot(DOMAIN_MODULES), ...DOMAIN_MODULES, ExportsModule.forRoot(config, 'cli')] : []),
      ],
      providers: [TokenCommand, MigrateCommand, SeedCommand, ...(withExports ? EXPORT_COMMANDS : [])],
    };
  }
}
