import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import { CurbTrip } from '../curb/curb-trip.entity';
import { ExportJob } from '../exports/export-job.entity';
import { EzpassTransaction } from '../ezpass/ezpass-transaction.entity';
import { LedgerBalance } from '../ledger/ledger-balance.entity';
import { LedgerPosting } from '../ledger/ledger-posting.entity';
import { PvbViolation } from '../pvb/pvb-violation.entity';
import { InitialSchema1764400000000 } from './migrations/1764400000000-initial-schema';
import { Operations1764500000000 } from './migrations/1764500000000-operations';
import { Delivery1764600000000 } from './migrations/1764600000000-delivery';
import { Notifications1764700000000 } from './migrations/1764700000000-notifications';
import { ExportEvent } from '../exports/audit/export-event.entity';
import { ExportWorkerRecord } from '../exports/workers/export-worker.entity';
import { ExportSchedule } from '../exports/schedules/export-schedule.entity';
import { Schedules1764800000000 } from './migrations/1764800000000-schedules';
import { ExportNotification } from '../exports/notifications/export-notification.entity';
import { BinaryIdentifiers1764900000000 } from './migrations/1764900000000-binary-identifiers';

export const ENTITIES = [
  ExportJob,
  ExportEvent,
  ExportWorkerRecord,
  ExportNotification,
  ExportSchedule,
  EzpassTransaction,
  PvbViolation,
  CurbTrip,
  LedgerPosting,
  LedgerBalance,
];
export const MIGRATIONS = [
  InitialSchema1764400000000,
  Operations1764500000000,
  Delivery1764600000000,
  Notifications1764700000000,
  Schedules1764800000000,
  BinaryIdentifiers1764900000000,
];

/** mysql2 session settings shared by the TypeORM pool and the dedicated export read connections. */
export const MYSQL_SESSION = { timezone: 'Z', charset: 'utf8mb4', supportBigNumbers: true, bigNumberStrings: true } as const;

export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, synchronize: false, migrationsRun: false, logging: false } as const;
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
