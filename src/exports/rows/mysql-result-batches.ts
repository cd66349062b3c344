import type { Connection } from 'mysql2';
import type { SqlStatement } from '../query/export-query.planner';
import type { ExportRow } from '../writers/export-writer';

/**
 * One statement's rows as batches of `size`, read with backpressure: the socket is paused while a
 * full batch waits for the consumer (the server goes on filling the socket's buffers). mysql2's
 * object stream hands rows over one at a time (a promise, a microtask and an iterator result per
 * row under `for await`), which cost more than decoding them; here the consumer awaits once per batch.
 */
export async function* mysqlResultBatches(connection: Connection, statement: SqlStatement, size: number): AsyncGenerator<ExportRow[]> {
  const ready: ExportRow[][] = [];
  let batch: ExportRow[] = [];
  let ended = false;
  let failure: Error | undefined;
  let paused = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  const onRow = (row: ExportRow): void => {
    batch.push(row);
    if (batch.length < size) return;
    ready.push(batch);
    batch = [];
    if (!paused) {
      paused = true;
      connection.pause();
    }
    notify();
  };
  const onEnd = (): void => {
    if (batch.length > 0) ready.push(batch);
    ended = true;
    notify();
  };
  const onError = (error: Error): void => {
    failure ??= error;
    notify();
  };
  // A lost connection is reported on the connection, not on the query.
  connection.on('error', onError);
  const query = connection
    .query({ sql: statement.sql, values: statement.params, rowsAsArray: true })
    .on('result', (row) => onRow(row as unknown as ExportRow))
    .on('end', onEnd)
    .on('error', onError);
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
      } else if (ended) {
        return;
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  } finally {
    // Left early (a failed or cancelled export), the rest of the result is dropped with the connection.
    connection.off('error', onError);
    query.removeAllListeners('result');
  }
}
