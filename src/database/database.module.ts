import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Module } from '@nestjs/common';
import type { DynamicModule, Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';

@Module({})
export class DatabaseModule {
  /** The TypeORM connection, knowing the engine's entities and those of `domains`. */
  static forRoot(domains: readonly Type[]): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => {
            if (config.database.kind === 'sqlite') mkdirSync(dirname(config.database.path), { recursive: true });
            return dataSourceOptions(config.database, domains);
          },
        }),
      ],
    };
  }
}
