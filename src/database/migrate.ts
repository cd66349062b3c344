import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createConnection } from 'mysql2/promise';
import type { Type } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';

async function migrate(database: DatabaseConfig, domains?: readonly Type[]): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(database, domains));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * Runs pending migrations (the engine's and those of `domains`, by default every domain module) and returns the names of those applied. Creates the MySQL database (or
 * the SQLite folder) when missing; on MySQL a named lock lets many processes start at once.
 */
export async function runMigrations(database: DatabaseConfig, domains?: readonly Type[]): Promise<string[]> {
  if (database.kind === 'sqlite') {
    mkdirSync(dirname(database.path), { recursive: true });
    return migrate(database, domains);
  }
  const serverUrl = new URL(database.url);
  serverUrl.pathname = '/';
  const connection = await createConnection(serverUrl.toString());
  try {
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS \`${database.database.replace(/`/g, '``')}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    await connection.query('SELECT GET_LOCK(?, 120)', [`exports_migrations_${database.database}`]);
    return await migrate(database, domains);
  } finally {
    await connection.end();
  }
}
