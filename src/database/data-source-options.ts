import type { Type } from '@nestjs/common';
import type { DataSourceOptions, MigrationInterface } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import { DOMAIN_MODULES } from '../domains';
import { ExportEvent } from '../exports/audit/export-event.entity';
import { ExportJob } from '../exports/export-job.entity';
import { ExportNotification } from '../notifications/export-notification.entity';
import { ExportSchedule } from '../schedules/export-schedule.entity';
import { ExportWorkerRecord } from '../exports/workers/export-worker.entity';
import { domainEntities, domainMigrations } from './domain-module';
import { InitialSchema1764400000000 } from './migrations/1764400000000-initial-schema';
import { Operations1764500000000 } from './migrations/1764500000000-operations';
import { Delivery1764600000000 } from './migrations/1764600000000-delivery';
import { Notifications1764700000000 } from './migrations/1764700000000-notifications';
import { Schedules1764800000000 } from './migrations/1764800000000-schedules';
import { BinaryIdentifiers1764900000000 } from './migrations/1764900000000-binary-identifiers';
import { ScheduleOwnerRoles1765100000005 } from './migrations/1765100000005-schedule-owner-roles';
import { OwnerLocks1765300000000 } from './migrations/1765300000000-owner-locks';
import { ScheduleSkips1765300000100 } from './migrations/1765300000100-schedule-skips';
import { CsvOptions1765300000500 } from './migrations/1765300000500-csv-options';
import { ReadSnapshotThrottle1765400000000 } from './migrations/1765400000000-read-snapshot-throttle';
import { MYSQL_SESSION } from './mysql-session';

/** The engine's own tables; the domain modules bring theirs. */
const ENGINE_ENTITIES = [ExportJob, ExportEvent, ExportWorkerRecord, ExportNotification, ExportSchedule];
const ENGINE_MIGRATIONS = [
  InitialSchema1764400000000,
  Operations1764500000000,
  Delivery1764600000000,
  Notifications1764700000000,
  Schedules1764800000000,
  BinaryIdentifiers1764900000000,
  ScheduleOwnerRoles1765100000005,
  OwnerLocks1765300000000,
  ScheduleSkips1765300000100,
  CsvOptions1765300000500,
  ReadSnapshotThrottle1765400000000,
];

type MigrationClass = new () => MigrationInterface;

/** TypeORM orders migrations by the timestamp that ends their class name. */
const timestampOf = (migration: MigrationClass): number => Number(migration.name.slice(-13));

/** Every migration, the engine's and the domains', in the order TypeORM runs them. */
export function allMigrations(domains: readonly Type[] = DOMAIN_MODULES): MigrationClass[] {
  return [...ENGINE_MIGRATIONS, ...domainMigrations(domains)].sort((a, b) => timestampOf(a) - timestampOf(b));
}

export function dataSourceOptions(database: DatabaseConfig, domains: readonly Type[] = DOMAIN_MODULES): DataSourceOptions {
  const common = {
    entities: [...ENGINE_ENTITIES, ...domainEntities(domains)],
    migrations: allMigrations(domains),
    synchronize: false,
    migrationsRun: false,
    logging: false,
  };
  if (database.kind === 'sqlite') {
    return {
      ...common,
      type: 'better-sqlite3',
      database: database.path,
      // WAL lets the export reader keep a snapshot while the API and progress updates write.
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('busy_timeout = 5000');
      },
    };
  }
  return { ...common, type: 'mysql', url: database.url, ...MYSQL_SESSION, poolSize: 10 };
}
