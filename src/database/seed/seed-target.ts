/** The two storage back ends the seeder writes to, behind one small async interface. */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { createConnection } from 'mysql2/promise';
import type { Connection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { DatabaseConfig } from '../../config/app-config';
import { MYSQL_SESSION } from '../mysql-session';

export type SqlValue = string | null;

/** A table's generated rows, as the target reads them. */
export interface RowSource {
  readonly columns: readonly string[];
  /** Appends the next row's values, in `columns` order, to `out`. */
  writeRow(out: SqlValue[]): void;
}

export type Dialect = 'mysql' | 'sqlite';
type Param = string | number | null;
export type FillMode = 'append' | 'replace';

export interface SeedTarget {
  readonly dialect: Dialect;
  /** Runs a statement and returns the number of rows it changed. */
  run(sql: string, params?: readonly Param[]): Promise<number>;
  all(sql: string, params?: readonly Param[]): Promise<Record<string, unknown>[]>;
  /** Inserts `count` rows pulled from `source` into table `into`, calling `progress` with the running total. */
  insertRows(source: RowSource, into: string, count: number, progress: (done: number) => void): Promise<void>;
  /**
   * Runs `fill` against the table to write to: `append` adds to `table`, `replace` empties it first (restarting ids).
   * On MySQL an empty or replaced table is built as an unindexed copy that is indexed once and swapped in.
   */
  fillTable(table: string, mode: FillMode, fill: (into: string) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export async function openSeedTarget(database: DatabaseConfig): Promise<SeedTarget> {
  return database.kind === 'mysql' ? MysqlTarget.open(database.url) : SqliteTarget.open(database.path);
}

function insertSql(source: RowSource, into: string, rows: number): string {
  const tuple = `(${source.columns.map(() => '?').join(',')})`;
  return `INSERT INTO ${into} (${source.columns.join(',')}) VALUES ${Array<string>(rows).fill(tuple).join(',')}`;
}

function quoteName(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

// ---------------------------------------------------------------- MySQL / MariaDB

/** Rows per multi-row INSERT; stays far below max_allowed_packet and the 65,535-placeholder limit. */
const MYSQL_BATCH_ROWS = 2_000;
const MYSQL_MAX_PLACEHOLDERS = 65_535;
/** Batches per transaction: one redo-log flush per ~50k rows instead of per statement. */
const MYSQL_BATCHES_PER_COMMIT = 25;

interface IndexDefinition {
  name: string;
  unique: boolean;
  columns: string[];
}

interface ForeignKeyDefinition {
  name: string;
  column: string;
  table: string;
  referenced: string;
  onDelete: string;
  onUpdate: string;
}

class MysqlTarget implements SeedTarget {
  readonly dialect = 'mysql';

  private constructor(private readonly connection: Connection) {}

  static async open(url: string): Promise<MysqlTarget> {
    const connection = await createConnection({ uri: url, ...MYSQL_SESSION });
    // Reference rows are written before the rows that point to them, and a swapped-in copy gets its
    // constraints back without re-reading every row (an in-place ALTER only with checks off).
    await connection.query('SET SESSION foreign_key_checks = 0');
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

  async insertRows(source: RowSource, into: string, count: number, progress: (done: number) => void): Promise<void> {
    const batchRows = Math.min(MYSQL_BATCH_ROWS, Math.floor(MYSQL_MAX_PLACEHOLDERS / source.columns.length));
    const fullBatchSql = insertSql(source, into, batchRows);
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
        // text protocol: mysql2 escapes the bound values client-side, which measured cheaper than server-side prepares here
        inFlight = this.connection.query(rows === batchRows ? fullBatchSql : insertSql(source, into, rows), values);
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

  async fillTable(table: string, mode: FillMode, fill: (into: string) => Promise<void>): Promise<void> {
    if (mode === 'append' && !(await this.isEmpty(table))) return fill(table);
    const copy = `${table}__seeding`;
    const replaced = `${table}__replaced`;
    await this.run(`DROP TABLE IF EXISTS ${quoteName(copy)}, ${quoteName(replaced)}`);
    try {
      // LIKE copies indexes but not foreign keys: those are added back once the copy has the table's name
      await this.run(`CREATE TABLE ${quoteName(copy)} LIKE ${quoteName(table)}`);
      const indexes = await this.secondaryIndexes(table);
      const foreignKeys = await this.foreignKeys(table);
      await this.alterTable(
        copy,
        indexes.map((index) => `DROP INDEX ${quoteName(index.name)}`),
      );
      await fill(copy);
      // one sorted build per index is far cheaper than maintaining nine B-trees row by row
      await this.alterTable(
        copy,
        indexes.map((index) => `ADD ${index.unique ? 'UNIQUE ' : ''}INDEX ${quoteName(index.name)} (${index.columns.join(', ')})`),
      );
      await this.run(`RENAME TABLE ${quoteName(table)} TO ${quoteName(replaced)}, ${quoteName(copy)} TO ${quoteName(table)}`);
      await this.run(`DROP TABLE ${quoteName(replaced)}`);
      await this.alterTable(
        table,
        foreignKeys.map(
          (key) =>
            `ADD CONSTRAINT ${quoteName(key.name)} FOREIGN KEY (${quoteName(key.column)}) REFERENCES ${quoteName(key.table)} (${quoteName(key.referenced)}) ON DELETE ${key.onDelete} ON UPDATE ${key.onUpdate}`,
        ),
      );
    } catch (error) {
      await this.run(`DROP TABLE IF EXISTS ${quoteName(copy)}`).catch(() => undefined);
      throw error;
    }
  }

  private async isEmpty(table: string): Promise<boolean> {
    return (await this.all(`SELECT 1 AS found FROM ${quoteName(table)} LIMIT 1`)).length === 0;
  }

  /** Plain B-tree indexes other than the primary key, in the table's own order so the swapped-in copy matches it. */
  private async secondaryIndexes(table: string): Promise<IndexDefinition[]> {
    const byName = new Map<string, IndexDefinition>();
    for (const row of await this.all(`SHOW INDEX FROM ${quoteName(table)}`)) {
      const name = String(row.Key_name);
      if (name === 'PRIMARY' || row.Index_type !== 'BTREE') continue;
      const index = byName.get(name) ?? { name, unique: Number(row.Non_unique) === 0, columns: [] };
      index.columns.push(quoteName(String(row.Column_name)) + (row.Sub_part === null ? '' : `(${Number(row.Sub_part)})`));
      byName.set(name, index);
    }
    return [...byName.values()];
  }

  /** Single-column foreign keys of a table (the only kind the schema has). */
  private async foreignKeys(table: string): Promise<ForeignKeyDefinition[]> {
    const rows = await this.all(
      `SELECT k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS column_name, k.REFERENCED_TABLE_NAME AS ref_table,
         k.REFERENCED_COLUMN_NAME AS ref_column, r.DELETE_RULE AS on_delete, r.UPDATE_RULE AS on_update
       FROM information_schema.KEY_COLUMN_USAGE k
       JOIN information_schema.REFERENTIAL_CONSTRAINTS r
         ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
       WHERE k.TABLE_SCHEMA = DATABASE() AND k.TABLE_NAME = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL
       ORDER BY k.CONSTRAINT_NAME`,
      [table],
    );
    return rows.map((row) => ({
      name: String(row.name),
      column: String(row.column_name),
      table: String(row.ref_table),
      referenced: String(row.ref_column),
      onDelete: String(row.on_delete),
      onUpdate: String(row.on_update),
    }));
  }

  private async alterTable(table: string, clauses: string[]): Promise<void> {
    if (clauses.length > 0) await this.run(`ALTER TABLE ${quoteName(table)} ${clauses.join(', ')}`);
  }

  private async commitAndBegin(): Promise<void> {
    await this.connection.query('COMMIT');
    await this.connection.query('START TRANSACTION');
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

function openSqliteDatabase(path: string): SqliteDatabase {
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

  private depth = 0;

  private constructor(private readonly db: SqliteDatabase) {}

  static async open(path: string): Promise<SqliteTarget> {
    return new SqliteTarget(openSqliteDatabase(path));
  }

  async run(sql: string, params: readonly Param[] = []): Promise<number> {
    return this.db.prepare(sql).run(...params).changes;
  }

  async all(sql: string, params: readonly Param[] = []): Promise<Record<string, unknown>[]> {
    return this.db
      .prepare(sql)
      .all(...params)
      .filter(isRecord);
  }

  async insertRows(source: RowSource, into: string, count: number, progress: (done: number) => void): Promise<void> {
    const statement = this.db.prepare(insertSql(source, into, 1));
    const row: SqlValue[] = [];
    let done = 0;
    while (done < count) {
      const rows = Math.min(SQLITE_CHUNK_ROWS, count - done);
      await this.transaction(async () => {
        for (let i = 0; i < rows; i++) {
          row.length = 0;
          source.writeRow(row);
          statement.run(row);
        }
      });
      done += rows;
      progress(done);
      await yieldToEventLoop();
    }
  }

  /** Empty or replaced tables lose their indexes while filling and get them back in the same transaction, so a crash rolls back to the indexed table. */
  async fillTable(table: string, mode: FillMode, fill: (into: string) => Promise<void>): Promise<void> {
    if (mode === 'append' && !this.isEmpty(table)) return fill(table);
    await this.transaction(async () => {
      if (mode === 'replace') this.clear(table);
      const indexes = this.db
        .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY rowid`)
        .all(table)
        .filter(isRecord);
      for (const index of indexes) this.db.exec(`DROP INDEX ${quoteName(String(index.name))}`);
      await fill(table);
      for (const index of indexes) this.db.exec(String(index.sql));
    });
  }

  private isEmpty(table: string): boolean {
    return this.db.prepare(`SELECT 1 FROM ${quoteName(table)} LIMIT 1`).all().length === 0;
  }

  /** Deletes every row and restarts the id sequence, like TRUNCATE on MySQL. */
  private clear(table: string): void {
    this.db.exec(`DELETE FROM ${quoteName(table)}`);
    const hasSequence = this.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'`).all().length > 0;
    if (hasSequence) this.db.prepare('DELETE FROM sqlite_sequence WHERE name = ?').run(table);
  }

  /** Savepoints rather than BEGIN, so transactions nest (a chunk inside a table rebuild). */
  private async transaction(work: () => Promise<void>): Promise<void> {
    const name = `seed_${++this.depth}`;
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      await work();
      this.db.exec(`RELEASE ${name}`);
    } catch (error) {
      this.db.exec(`ROLLBACK TO ${name}`);
      this.db.exec(`RELEASE ${name}`);
      throw error;
    } finally {
      this.depth--;
    }
  }

  async close(): Promise<void> {
    // a rebuild runs as one transaction, so hand its WAL space back rather than leave a file the size of the tables
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }
}
