import { Injectable } from '@nestjs/common';
import { createConnection } from 'mysql2';
import type { Connection } from 'mysql2';
import { AppConfig } from '../../config/app-config';
import { MYSQL_SESSION } from '../../database/mysql-session';
import type { ExportQueryPlan, SqlStatement } from '../query/export-query.planner';
import type { ExportRow } from '../writers/export-writer';
import { mysqlResultBatches } from './mysql-result-batches';
import { ROW_BATCH_SIZE, RowSourceFactory } from './row-source';
import type { RowSource } from './row-source';

function run(connection: Connection, sql: string, params: unknown[] = []): Promise<unknown> {
  return new Promise((resolve, reject) => {
    connection.query({ sql, values: params, rowsAsArray: true }, (error, result) => (error ? reject(error) : resolve(result)));
  });
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
  snapshotAt = new Date();

  constructor(
    private readonly connection: Connection,
    private readonly plan: ExportQueryPlan,
  ) {
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

  async *batches(): AsyncIterable<ExportRow[]> {
    const { keyset } = this.plan;
    if (!keyset || this.lowest === undefined || this.lowest === null) {
      yield* this.read(this.plan.select);
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
    this.finished = true;
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
    } catch (error) {
      connection.destroy();
      throw error;
    }
    return source;
  }
}
