/**
 * Rows as a MySQL server sends them in its text protocol, for writers that can copy the bytes
 * instead of taking decoded values: every cell is length-coded, its first byte the length if under
 * 0xfb, 0xfb for NULL, or 0xfc, 0xfd, 0xfe followed by a 2, 3 or 8-byte little-endian length. Only
 * cells whose text is exactly the canonical value as text (see `ExportRow`) come this way: text in
 * UTF-8, integers, decimals, dates and datetimes (the reader checks every column's type).
 */
export class WireRows {
  /**
   * Row i begins at `starts[i]` in `bytes` (which may hold more than the rows: a writer reads its
   * columns' cells and no further). The looked-up columns' own cells hold keys: the cells to write
   * instead are `lookedUp.cells`, one per row and looked-up column, in the order of `lookedUp.columns`.
   */
  constructor(
    readonly bytes: Buffer,
    private readonly starts: Uint32Array,
    readonly length: number,
    readonly lookedUp: LookedUpCells = NO_LOOKUPS,
    private readonly first = 0,
  ) {}

  /** Where row `index` begins in `bytes`. */
  start(index: number): number {
    return this.starts[this.first + index];
  }

  /** Row `index`'s cell for looked-up column `nth` (of `lookedUp.columns`). */
  lookedUpCell(index: number, nth: number): Buffer {
    return this.lookedUp.cells[(this.first + index) * this.lookedUp.columns.length + nth];
  }

  slice(start: number, end: number): WireRows {
    const to = Math.min(end, this.length);
    return new WireRows(this.bytes, this.starts, Math.max(0, to - start), this.lookedUp, this.first + start);
  }
}

/** Looked-up columns (ascending) and, row after row, the cell each gets. */
export interface LookedUpCells {
  columns: readonly number[];
  cells: readonly Buffer[];
}

const NO_LOOKUPS: LookedUpCells = { columns: [], cells: [] };

/** Marks a NULL cell. */
export const WIRE_NULL = 0xfb;

/**
 * Walks cells: `next()` moves to the cell at `at` and sets `start` and `end` to its text's bytes
 * (both where the next cell begins when it is NULL). One cursor serves a whole batch, so reading a
 * cell allocates nothing.
 */
export class WireCursor {
  at = 0;
  start = 0;
  end = 0;

  constructor(public bytes: Buffer = Buffer.alloc(0)) {}

  /** Moves past the next cell; false when it is NULL. */
  next(): boolean {
    const bytes = this.bytes;
    let at = this.at;
    const first = bytes[at++];
    let length: number;
    if (first < WIRE_NULL) {
      length = first;
    } else if (first === WIRE_NULL) {
      this.at = this.start = this.end = at;
      return false;
    } else if (first === 0xfc) {
      length = bytes[at] | (bytes[at + 1] << 8);
      at += 2;
    } else if (first === 0xfd) {
      length = bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16);
      at += 3;
    } else {
      length = bytes.readUInt32LE(at) + bytes.readUInt32LE(at + 4) * 2 ** 32;
      at += 8;
    }
    this.start = at;
    this.at = this.end = at + length;
    return true;
  }
}

/** A cell holding `text` (UTF-8), or NULL. */
export function wireCell(text: string | null): Buffer {
  if (text === null) return Buffer.from([WIRE_NULL]);
  const data = Buffer.from(text, 'utf8');
  const length = data.length;
  let header: Buffer;
  if (length < WIRE_NULL) {
    header = Buffer.from([length]);
  } else if (length < 1 << 16) {
    header = Buffer.from([0xfc, length & 0xff, length >> 8]);
  } else if (length < 1 << 24) {
    header = Buffer.from([0xfd, length & 0xff, (length >> 8) & 0xff, length >> 16]);
  } else {
    header = Buffer.alloc(9);
    header[0] = 0xfe;
    header.writeUInt32LE(length, 1);
  }
  return Buffer.concat([header, data]);
}
