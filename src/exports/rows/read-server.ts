import { Injectable } from '@nestjs/common';
import type { OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createPool } from 'mysql2/promise';
import type { Pool } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { MYSQL_SESSION } from '../../database/mysql-session';

/**
 * Short statements on the server exports read from: the replica when DATABASE_READ_URL is set (a
 * small pool of its own, opened on first use), the shared pool otherwise. Row reads open their own
 * snapshot connections (see the row sources); this is for counts and status probes.
 */
@Injectable()
export class ReadServer implements OnModuleDestroy {
  private pool?: Pool;

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async query<T extends object>(sql: string, params: unknown[] = []): Promise<T[]> {
    const replica = this.config.readDatabase;
    if (!replica) return this.dataSource.query<T[]>(sql, params);
    this.pool ??= createPool({ uri: replica.url, ...MYSQL_SESSION, connectionLimit: 2 });
    const [rows] = await this.pool.query(sql, params);
    return rows as T[];
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool?.end();
  }
}
