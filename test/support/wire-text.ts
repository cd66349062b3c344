import { WireCursor } from '../../src/exports/writers/wire-rows';
import type { WireRows } from '../../src/exports/writers/wire-rows';

/** The text of each of the rows' first `columns` cells, looked-up ones as looked up (null for NULL). */
export function wireText(rows: WireRows, columns: number): (string | null)[][] {
  const own = new WireCursor();
  const lookedUp = new WireCursor();
  own.bytes = rows.bytes;
  return Array.from({ length: rows.length }, (_, row) => {
    own.at = rows.start(row);
    return Array.from({ length: columns }, (_, column) => {
      let cell = own;
      let present = own.next();
      const nth = rows.lookedUp.columns.indexOf(column);
      if (nth >= 0) {
        lookedUp.bytes = rows.lookedUpCell(row, nth);
        lookedUp.at = 0;
        present = lookedUp.next();
        cell = lookedUp;
      }
      return present ? cell.bytes.toString('utf8', cell.start, cell.end) : null;
    });
  });
}
