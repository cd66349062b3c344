import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import Database from 'better-sqlite3';
import { AppConfig } from '../../config/app-config';
import type { ExportQueryPlan } from '../query/export-query.planner';
import type { ColumnType } from '../query/export-query.provider';
import type { ExportRow } from '../writers/export-writer';
import { ROW_BATCH_SIZE, RowSourceFactory } from './row-source';
import type { RowSource } from './row-source';

type Canonical = (value: unknown) => unknown;

/** SQLite keeps decimals as REAL and datetimes as text with milliseconds; bring them to canonical form. */
const CANONICAL: Record<ColumnType, Canonical> = {
  text: (value) => String(value),
  integer: (value) => Number(value),
  decimal: (value) => (typeof value === 'number' ? value.toFixed(2) : Number(value).toFixed(2)),
  date: (value) => String(value).slice(0, 10),
  datetime: (value) => String(value).replace('T', ' ').slice(0, 19),
};

/** A separate read-only connection: WAL gives it a snapshot while the main connection keeps writing. */
class SqliteRowSource implements RowSource {
  private readonly canonical: Canonical[];

  constructor(
    private readonly db: Database.Database,
    private readonly plan: ExportQueryPlan,
    readonly snapshotAt: Date,
  ) {
    this.canonical = plan.columns.map((column) => CANONICAL[column.type]);
  }

  async count(): Promise<number> {
    const total = this.db
      .prepare(this.plan.count.sql)
      .pluck()
      .get(...this.plan.count.params);
    return Number(total);
  }

  async *batches(): AsyncIterable<ExportRow[]> {
    const rows = this.db
      .prepare(this.plan.select.sql)
      .raw(true)
      .iterate(...this.plan.select.params) as IterableIterator<unknown[]>;
    let batch: ExportRow[] = [];
    for (const row of rows) {
      for (let i = 0; i < row.length; i++) if (row[i] !== null) row[i] = this.canonical[i](row[i]);
      batch.push(row);
      if (batch.length >= ROW_BATCH_SIZE) {
        yield batch;
        batch = [];
        // better-sqlite3 is synchronous: give the API, timers and lock renewals their turn.
        await yieldToEventLoop();
      }
    }
    if (batch.length > 0) yield batch;
  }

  async close(): Promise<void> {
    if (this.db.inTransaction) this.db.exec('COMMIT');
    this.db.close();
  }
}

@Injectable()
export class SqliteRowSourceFactory extends RowSourceFactory {
  constructor(private readonly config: AppConfig) {
    super();
  }

  async open(plan: ExportQueryPlan): Promise<RowSource> {
    if (this.config.database.kind !== 'sqlite') throw new Error('SqliteRowSourceFactory needs a SQLite database');
    const db = new Database(this.config.database.path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    // A WAL snapshot starts at the transaction's first read: read now, so it is as of opening, like MySQL's.
    db.exec('BEGIN');
    db.prepare('SELECT 1 FROM sqlite_master LIMIT 1').get();
    return new SqliteRowSource(db, plan, new Date());
  }
}
