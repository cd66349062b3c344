/** The two storage back ends the seeder writes to, behind one small async interface. */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { createConnection } from 'mysql2/promise';
import type { Connection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { DatabaseConfig } from '../../config/app-config';
import { MYSQL_SESSION } from '../data-source-options';
import type { RowSource, SqlValue } from './seed-rows';

export type Dialect = 'mysql' | 'sqlite';
type Param = string | number | null;

export interface SeedTarget {
  readonly dialect: Dialect;
  /** Runs a statement and returns the number of rows it changed. */
  run(sql: string, params?: readonly Param[]): Promise<number>;
  all(sql: string, params?: readonly Param[]): Promise<Record<string, unknown>[]>;
  /** Inserts `count` rows pulled from `source`, calling `progress` with the running total. */
  insertRows(source: RowSource, count: number, progress: (done: number) => void): Promise<void>;
  /** Runs `work` inside one transaction. */
  transaction(work: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export async function openSeedTarget(database: DatabaseConfig): Promise<SeedTarget> {
  return database.kind === 'mysql' ? MysqlTarget.open(database.url) : SqliteTarget.open(database.path);
}

function insertSql(source: RowSource, rows: number): string {
  const tuple = `(${source.columns.map(() => '?').join(',')})`;
  return `INSERT INTO ${source.table} (${source.columns.join(',')}) VALUES ${Array<string>(rows).fill(tuple).join(',')}`;
}

// ---------------------------------------------------------------- MySQL / MariaDB

/** Rows per multi-row INSERT; stays far below max_allowed_packet and the 65,535-placeholder limit. */
const MYSQL_BATCH_ROWS = 2_000;
const MYSQL_MAX_PLACEHOLDERS = 65_535;
/** Batches per transaction: one redo-log flush per ~50k rows instead of per statement. */
const MYSQL_BATCHES_PER_COMMIT = 25;

class MysqlTarget implements SeedTarget {
  readonly dialect = 'mysql';

  private constructor(private readonly connection: Connection) {}

  static async open(url: string): Promise<MysqlTarget> {
    const connection = await createConnection({ uri: url, ...MYSQL_SESSION });
    try {
      // the generated business ids are unique by construction; skipping the checks speeds up index maintenance
      await connection.query('SET SESSION unique_checks = 0, foreign_key_checks = 0');
    } catch (error) {
      await connection.end();
      throw error;
    }
    return new MysqlTarget(connection);
  }

  async run(sql: string, params: readonly Param[] = []): Promise<number> {
    const [result] = await this.connection.query<ResultSetHeader>(sql, [...params]);
    return result.affectedRows;
  }

  async all(sql: string, params: readonly Param[] = []): Promise<Record<string, unknown>[]> {
    const [rows] = await this.connection.query<RowDataPacket[]>(sql, [...params]);
    return rows;
  }

  async insertRows(source: RowSource, count: number, progress: (done: number) => void): Promise<void> {
    const batchRows = Math.min(MYSQL_BATCH_ROWS, Math.floor(MYSQL_MAX_PLACEHOLDERS / source.columns.length));
    const fullBatchSql = insertSql(source, batchRows);
    let sent = 0;
    let batches = 0;
    let inFlight: Promise<unknown> = this.connection.query('START TRANSACTION');
    try {
      while (sent < count) {
        const rows = Math.min(batchRows, count - sent);
        const values: SqlValue[] = [];
        for (let i = 0; i < rows; i++) source.writeRow(values);
        // the next batch was generated while the server was still writing the previous one
        await inFlight;
        if (sent > 0) progress(sent);
        if (++batches % MYSQL_BATCHES_PER_COMMIT === 0) await this.commitAndBegin();
        inFlight = this.connection.execute(rows === batchRows ? fullBatchSql : insertSql(source, rows), values);
        sent += rows;
      }
      await inFlight;
    } catch (error) {
      await inFlight.catch(() => undefined);
      throw error;
    }
    await this.connection.query('COMMIT');
    progress(sent);
  }

  private async commitAndBegin(): Promise<void> {
    await this.connection.query('COMMIT');
    await this.connection.query('START TRANSACTION');
  }

  async transaction(work: () => Promise<void>): Promise<void> {
    await this.connection.beginTransaction();
    try {
      await work();
      await this.connection.commit();
    } catch (error) {
      await this.connection.rollback();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.connection.end();
  }
}

// ---------------------------------------------------------------- SQLite

/** The parts of better-sqlite3 used here; the package ships no type declarations of its own. */
interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  all(...params: unknown[]): unknown[];
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  pragma(sql: string): unknown;
  exec(sql: string): unknown;
  close(): unknown;
}
type SqliteConstructor = new (path: string) => SqliteDatabase;

/** Rows per transaction; between chunks the event loop gets a turn and progress is reported. */
const SQLITE_CHUNK_ROWS = 50_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function openSqliteDatabase(path: string): SqliteDatabase {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped CommonJS package, narrowed by the interface above
  const BetterSqlite3 = require('better-sqlite3') as SqliteConstructor;
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  return db;
}

class SqliteTarget implements SeedTarget {
  readonly dialect = 'sqlite';

  private constructor(private readonly db: SqliteDatabase) {}

  static async open(path: string): Promise<SqliteTarget> {
    return new SqliteTarget(openSqliteDatabase(path));
  }

  async run(sql: string, params: readonly Param[] = []): Promise<number> {
    return this.db.prepare(sql).run(...params).changes;
  }

  async all(sql: string, params: readonly Param[] = []): Promise<Record<string, unknown>[]> {
    return this.db.prepare(sql).all(...params).filter(isRecord);
  }

  async insertRows(source: RowSource, count: number, progress: (done: number) => void): Promise<void> {
    const statement = this.db.prepare(insertSql(source, 1));
    const row: SqlValue[] = [];
    let done = 0;
    while (done < count) {
      const rows = Math.min(SQLITE_CHUNK_ROWS, count - done);
      this.db.exec('BEGIN');
      try {
        for (let i = 0; i < rows; i++) {
          row.length = 0;
          source.writeRow(row);
          statement.run(row);
        }
        this.db.exec('COMMIT');
      } catch (error) {
        this.db.exec('ROLLBACK');
        throw error;
      }
      done += rows;
      progress(done);
      await yieldToEventLoop();
    }
  }

  async transaction(work: () => Promise<void>): Promise<void> {
    this.db.exec('BEGIN');
    try {
      await work();
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
