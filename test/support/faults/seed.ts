import type { DataSource } from 'typeorm';
import type { ExportColumn } from '../../../src/exports/query/export-query.provider';
import { EzpassExportQuery } from '../../../src/ezpass/ezpass-export.query';
import { ezpassRows, insertRows } from '../factories';
import { ORACLE } from '../oracle';

/** Every EZPass column, so an export of many rows takes long enough to be interrupted. */
export const ALL_EZPASS_COLUMNS = new EzpassExportQuery().columns.map((column) => column.key);

/** What a server-side copy duplicates: the table's own columns but the generated id and the unique business id. */
const EZPASS_COPY_COLUMNS = ALL_EZPASS_COLUMNS.filter(
  (key) => ORACLE.EZPASS.columns[key] === `t.${key}` && key !== 'id' && key !== 'transaction_id',
);

/**
 * `count` EZPass rows, fast: up to 2,000 factory rows, then copies of them made server-side
 * (INSERT ... SELECT, each copy with its own transaction_id) until the count is reached.
 * About 1 s per 100k rows instead of ~15 s through multi-row inserts.
 */
export async function seedEzpass(db: DataSource, count: number, seed = 1): Promise<void> {
  const base = Math.min(count, 2000);
  await insertRows(db, 'ezpass_transactions', ezpassRows(base, seed), 2000);
  let total = base;
  for (let copy = 1; total < count; copy++) {
    const take = Math.min(total, count - total);
    const columns = EZPASS_COPY_COLUMNS.join(', ');
    await db.query(
      `INSERT INTO ezpass_transactions (transaction_id, ${columns})
       SELECT CONCAT(transaction_id, '-', ?), ${columns} FROM ezpass_transactions ORDER BY id LIMIT ?`,
      [copy, take],
    );
    total += take;
  }
}

/** The ids an EZPass export of the rows matching `where` must contain, in the export's order. */
export async function expectedEzpassIds(db: DataSource, where = '1 = 1', params: unknown[] = []): Promise<number[]> {
  const rows: { id: string | number }[] = await db.query(
    `SELECT id FROM ezpass_transactions WHERE ${where} ORDER BY posting_date, id`,
    params,
  );
  return rows.map((row) => Number(row.id));
}

/** The EZPass column definitions for `keys`, in that order (to render the expected CSV cells). */
export function ezpassColumns(keys: readonly string[]): ExportColumn[] {
  const columns = new EzpassExportQuery().columns;
  return keys.map((key) => {
    const column = columns.find((candidate) => candidate.key === key);
    if (!column) throw new Error(`EZPass has no column ${key}`);
    return column;
  });
}
