import { Injectable } from '@nestjs/common';
import { createConnection } from 'mysql2';
import type { Connection } from 'mysql2';
import { AppConfig } from '../../config/app-config';
import { MYSQL_SESSION } from '../../database/mysql-session';
import type { ExportQueryPlan, LookupReads, RowReads, SqlStatement } from '../query/export-query.planner';
import type { ExportRow } from '../writers/export-writer';
import { LookupTables, keyMatch } from './lookup-tables';
import type { KeyColumn } from './lookup-tables';
import { mysqlResultBatches } from './mysql-result-batches';
import { ROW_BATCH_SIZE, RowSourceFactory } from './row-source';
import type { RowSource } from './row-source';

function run(connection: Connection, sql: string, params: unknown[] = []): Promise<unknown> {
  return new Promise((resolve, reject) => {
    connection.query({ sql, values: params, rowsAsArray: true }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * A joined table with more rows than this stays a join: reference tables (people, places, things
 * the exported rows point to) are thousands; the map costs about 100 bytes a row of worker memory.
 */
export const LOOKUP_TABLE_MAX_ROWS = 50_000;

/**
 * The plan's joined tables, read in the snapshot, where the server compares their keys as a Map
 * does and none is larger than LOOKUP_TABLE_MAX_ROWS; otherwise undefined, and the joins stay in SQL.
 * A lookup instead of a join per row spares the server a unique-index descent for every row (about
 * 2 s of its CPU per 1M rows and joined table: docs/performance.md).
 */
async function lookupTables(connection: Connection, lookups: LookupReads): Promise<LookupTables | undefined> {
  const names = [...new Set(lookups.tables.flatMap(({ lookup }) => [lookup.table, lookup.sourceTable]))];
  const described = (await run(
    connection,
    `SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.COLUMNS
     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?)`,
    [names],
  )) as string[][];
  const column = (table: string, name: string): KeyColumn | undefined => {
    const found = described.find(([owner, column]) => owner === table && column === name);
    return found && { dataType: found[2], charset: found[3], collation: found[4] };
  };
  const read = [];
  for (const table of lookups.tables) {
    const match = keyMatch(column(table.lookup.table, table.lookup.key), column(table.lookup.sourceTable, table.lookup.references));
    if (!match) return undefined;
    const rows = (await run(connection, `${table.rows.sql} LIMIT ${LOOKUP_TABLE_MAX_ROWS + 1}`, table.rows.params)) as unknown[][];
    if (rows.length > LOOKUP_TABLE_MAX_ROWS) return undefined;
    read.push({ table, match, rows });
  }
  return LookupTables.of(read);
}

/**
 * One dedicated connection per export, like `mysqldump --single-transaction`: a read-only
 * REPEATABLE READ snapshot (no locks), rows streamed as arrays with dates as strings so values
 * reach writers without conversion.
 */
class MysqlRowSource implements RowSource {
  private finished = false;
  private failure?: Error;
  /** Where keyset reads start; undefined when the export is read in one statement. */
  private lowest?: unknown;
  /** The statements rows are read with: the plan's, or its lookup reads once their tables are read. */
  private reads: RowReads;
  private lookups?: LookupTables;
  /** Whether the plan's joined tables were read once instead of joined per row. */
  lookedUp = false;
  snapshotAt = new Date();

  constructor(
    private readonly connection: Connection,
    private readonly plan: ExportQueryPlan,
  ) {
    this.reads = plan;
    // mysql2 reports a lost connection (KILL, server restart, network) on the connection, not on a
    // query: unheard it crashes the process. A read under way hears it too (mysqlResultBatches).
    connection.on('error', (error: Error) => {
      this.failure ??= error;
    });
  }

  async count(): Promise<number> {
    const [[total, lowest, unkeyed]] = (await run(this.connection, this.plan.count.sql, this.plan.count.params)) as unknown[][];
    if (this.plan.keyset && Number(unkeyed) === 0) this.lowest = lowest;
    return Number(total);
  }

  /** Reads the plan's joined tables once, when they can replace its joins. */
  async lookUp(): Promise<void> {
    if (!this.plan.lookups) return;
    this.lookups = await lookupTables(this.connection, this.plan.lookups);
    if (this.lookups) this.reads = this.plan.lookups;
    this.lookedUp = this.lookups !== undefined;
  }

  async *batches(): AsyncIterable<ExportRow[]> {
    for await (const batch of this.rows()) {
      this.lookups?.fill(batch);
      yield batch;
    }
    this.finished = true;
  }

  private async *rows(): AsyncIterable<ExportRow[]> {
    const { keyset } = this.reads;
    if (!keyset || this.lowest === undefined || this.lowest === null) {
      yield* this.read(this.reads.select);
    } else {
      let statement = keyset.first(this.lowest);
      for (;;) {
        let rows = 0;
        let lastKeys: unknown[] | undefined;
        for await (const batch of this.read(statement)) {
          rows += batch.length;
          lastKeys = batch[batch.length - 1].slice(-keyset.keys);
          for (const row of batch) row.length -= keyset.keys;
          yield batch;
        }
        if (rows < keyset.size || !lastKeys) break;
        statement = keyset.after(lastKeys);
      }
    }
  }

  /** One statement's rows, streamed in batches of ROW_BATCH_SIZE. */
  private read(statement: SqlStatement): AsyncIterable<ExportRow[]> {
    if (this.failure) throw this.failure;
    return mysqlResultBatches(this.connection, statement, ROW_BATCH_SIZE);
  }

  async close(): Promise<void> {
    if (!this.finished) {
      // A half-read result cannot be abandoned politely; dropping the connection ends it server-side.
      this.connection.destroy();
      return;
    }
    await run(this.connection, 'COMMIT').catch(() => undefined);
    await new Promise<void>((resolve) => this.connection.end(() => resolve()));
  }
}

@Injectable()
export class MysqlRowSourceFactory extends RowSourceFactory {
  constructor(private readonly config: AppConfig) {
    super();
  }

  async open(plan: ExportQueryPlan): Promise<RowSource> {
    if (this.config.database.kind !== 'mysql') throw new Error('MysqlRowSourceFactory needs a MySQL database');
    const server = this.config.readDatabase ?? this.config.database;
    const connection = createConnection({ uri: server.url, ...MYSQL_SESSION, dateStrings: true });
    const source = new MysqlRowSource(connection, plan);
    try {
      // A slow writer (Excel, PDF) may pause a result stream for long, and a throttled read leaves the
      // connection idle between batches: the server must cut it off for neither.
      await run(connection, 'SET SESSION net_write_timeout = 3600, wait_timeout = 86400');
      await run(connection, 'SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      await run(connection, 'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
      const [[now]] = (await run(connection, 'SELECT UTC_TIMESTAMP(6)')) as string[][];
      source.snapshotAt = new Date(`${now.replace(' ', 'T')}Z`);
      await source.lookUp();
    } catch (error) {
      connection.destroy();
      throw error;
    }
    return source;
  }
}
