import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import type { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { CliConventions } from './cli-conventions';
import { EXPORTS_COMMAND_PROVIDERS } from './exports/exports.command';
import { MigrateCommand } from './migrate.command';
import { SeedCommand } from './seed.command';
import { TokenCommand } from './token.command';

/** Every command, loaded without a database: the verbs that need one start the engine themselves (OpsEngine). */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config), AuthModule],
      providers: [TokenCommand, MigrateCommand, SeedCommand, ...EXPORTS_COMMAND_PROVIDERS, CliConventions],
    };
  }
}
