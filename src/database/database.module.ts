import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        if (config.database.kind === 'sqlite') mkdirSync(dirname(config.database.path), { recursive: true });
        return dataSourceOptions(config.database);
      },
    }),
  ],
})
export class DatabaseModule {}
