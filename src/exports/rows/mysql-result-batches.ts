import type { Connection, Query } from 'mysql2';
import type { SqlStatement } from '../query/export-query.planner';
import type { ExportRow, RowBatch } from '../writers/export-writer';
import type { LookupTables } from './lookup-tables';

/**
 * Gathers a query's rows into batches: `full` takes each full one, `rest` what is left at the end.
 * Rows may end with order keys (keyset reads): they are cut off, and `lastKeys` gives the last row's.
 * `release` is told when the consumer is done with a batch (it asked for the next one), so that
 * the batch's memory may serve a later one.
 */
export interface RowCollector {
  attach(query: Query, full: (batch: RowBatch) => void, fail: (error: Error) => void): void;
  rest(): RowBatch | undefined;
  lastKeys(): unknown[] | undefined;
  release?(batch: RowBatch): void;
}

/** Rows as mysql2 decodes them, `size` to a batch, `keys` order keys at their end, `lookups` filled in. */
export function decodedRows(size: number, keys: number, lookups: LookupTables | undefined): RowCollector {
  let batch: ExportRow[] = [];
  let last: unknown[] | undefined;
  const done = (rows: ExportRow[]): ExportRow[] => {
    if (keys > 0) {
      last = rows[rows.length - 1].slice(-keys);
      for (const row of rows) row.length -= keys;
    }
    lookups?.fill(rows);
    return rows;
  };
  return {
    attach(query, full) {
      query.on('result', (row) => {
        batch.push(row as unknown as ExportRow);
        if (batch.length < size) return;
        full(done(batch));
        batch = [];
      });
    },
    rest: () => (batch.length > 0 ? done(batch) : undefined),
    lastKeys: () => last,
  };
}

/**
 * One statement's rows as batches, read with backpressure: the socket is paused while a full batch
 * waits for the consumer (the server goes on filling the socket's buffers). mysql2's object stream
 * hands rows over one at a time (a promise, a microtask and an iterator result per row under
 * `for await`), which cost more than decoding them; here the consumer awaits once per batch.
 */
export async function* mysqlResultBatches(
  connection: Connection,
  statement: SqlStatement,
  collector: RowCollector,
): AsyncGenerator<RowBatch> {
  const ready: RowBatch[] = [];
  let ended = false;
  let left = false;
  let failure: Error | undefined;
  let paused = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  const onFull = (batch: RowBatch): void => {
    if (left) return;
    ready.push(batch);
    if (!paused) {
      paused = true;
      connection.pause();
    }
    notify();
  };
  const onEnd = (): void => {
    const rest = collector.rest();
    if (rest) ready.push(rest);
    ended = true;
    notify();
  };
  const onError = (error: Error): void => {
    failure ??= error;
    notify();
  };
  // A lost connection is reported on the connection, not on the query.
  connection.on('error', onError);
  const query = connection.query({ sql: statement.sql, values: statement.params, rowsAsArray: true });
  collector.attach(query, onFull, onError);
  query.on('end', onEnd).on('error', onError);
  try {
    for (;;) {
      if (failure) throw failure;
      const next = ready.shift();
      if (next) {
        if (paused && ready.length === 0) {
          paused = false;
          connection.resume();
        }
        yield next;
        collector.release?.(next);
      } else if (ended) {
        return;
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  } finally {
    // Left early (a failed or cancelled export), the rest of the result is dropped with the connection.
    left = true;
    connection.off('error', onError);
  }
}
