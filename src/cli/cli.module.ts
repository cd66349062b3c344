import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import type { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { MigrateCommand } from './migrate.command';
import { SeedCommand } from './seed.command';
import { TokenCommand } from './token.command';

@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config), AuthModule],
      providers: [TokenCommand, MigrateCommand, SeedCommand],
    };
  }
}
