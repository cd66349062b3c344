import { Types } from 'mysql2';
import type { FieldPacket, Query } from 'mysql2';
import type { RowBatch } from '../writers/export-writer';
import { WIRE_NULL, WireCursor, WireRows } from '../writers/wire-rows';
import type { LookedUp } from './lookup-tables';
import type { RowCollector } from './mysql-result-batches';

const ZEROFILL = 64;
const INTEGERS = new Set([Types.TINY, Types.SHORT, Types.LONG, Types.INT24]);
/** Sent as the text mysql2 hands on (with `dateStrings`, `bigNumberStrings`): decimals, dates, datetimes, BIGINT. */
const VERBATIM = new Set([Types.LONGLONG, Types.DECIMAL, Types.NEWDECIMAL, Types.DATE, Types.DATETIME, Types.TIMESTAMP]);
const TEXTS = new Set([Types.VARCHAR, Types.VAR_STRING, Types.STRING, Types.TINY_BLOB, Types.MEDIUM_BLOB, Types.LONG_BLOB, Types.BLOB]);

/**
 * A column whose every cell's text is the value mysql2 would make of it, as text: integers (not
 * zero-filled: mysql2 reads `007` as 7), the verbatim types, and UTF-8 text (not binary, not JSON).
 * Floats (`1e20` against 100000000000000000000), times, bits and binary strings are decoded as before.
 */
function wireReadable(field: FieldPacket): boolean {
  const type = field.columnType ?? -1;
  if (field.extendedFormat || (Number(field.flags) & ZEROFILL) !== 0) return false;
  return INTEGERS.has(type) || VERBATIM.has(type) || (TEXTS.has(type) && field.encoding === 'utf8');
}

/** A cell's value as mysql2 decodes it for a wire-readable column. */
function decoded(cursor: WireCursor, field: FieldPacket): unknown {
  if (!cursor.next()) return null;
  const text = cursor.bytes.toString('utf8', cursor.start, cursor.end);
  return INTEGERS.has(field.columnType ?? -1) ? Number(text) : text;
}

const NULL_CELL = Buffer.from([WIRE_NULL]);
/** What mysql2 emits for a row once the wire reader has taken it. */
const TAKEN = Symbol('taken by the wire reader');

/** The packet mysql2 hands its row parser: `buffer` holds it from `start` (its header) to `end`, its row from `offset`. */
interface MysqlPacket {
  buffer: Buffer;
  start: number;
  offset: number;
  end: number;
}

/** Moves `cursor` past `cells` cells. */
function skip(cursor: WireCursor, cells: number): void {
  for (let i = 0; i < cells; i++) cursor.next();
}

/**
 * Where one batch's rows are copied to, in runs: packets that follow each other in a socket read
 * are copied together once the run ends. Rows are copied so that socket reads die young: a batch
 * that pointed into them would keep them through a garbage collection and into the old generation,
 * where they stay until the next full collection and the worker's memory grows. Spent arenas come
 * back for the next batches, so a steady read allocates none.
 */
class Arena {
  bytes: Buffer;
  used = 0;
  private run: Buffer | undefined;
  private runFrom = 0;
  private runTo = 0;

  constructor(bytes: number) {
    this.bytes = Buffer.allocUnsafeSlow(bytes);
  }

  /** Takes the packet's row; returns where it will begin in `bytes`. */
  add(packet: MysqlPacket): number {
    if (packet.buffer !== this.run || packet.start !== this.runTo) {
      this.flush();
      this.run = packet.buffer;
      this.runFrom = packet.start;
    }
    this.runTo = packet.end;
    return this.used + packet.offset - this.runFrom;
  }

  /** Copies the run taken so far. */
  flush(): void {
    if (!this.run) return;
    const length = this.runTo - this.runFrom;
    if (this.used + length > this.bytes.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, this.used + length));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
    this.run.copy(this.bytes, this.used, this.runFrom, this.runTo);
    this.used += length;
    this.run = undefined;
  }
}

const ARENA_BYTES = 64 * 1024;

/**
 * Rows as the server sent them (`WireRows`), `size` to a batch, where every column is wire-readable;
 * otherwise as `otherwise` collects them. mysql2 has no public way to take a row's bytes: its query
 * reads each row with the row parser it makes once the columns are known, and this replaces that
 * parser for the query (the tests write files both ways and compare them, so an upgrade that
 * changes this is caught). `keys` trailing order keys are left unwritten and the last full batch's
 * last row's decoded; `lookups` give the cells of their columns.
 */
export function wireRows(size: number, keys: number, lookups: readonly LookedUp<Buffer>[], otherwise: RowCollector): RowCollector {
  const spare: Arena[] = [];
  const lent = new WeakMap<WireRows, Arena>();
  let arena = new Arena(ARENA_BYTES);
  let count = 0;
  let starts = new Uint32Array(size);
  let cells: Buffer[] = [];
  let fields: FieldPacket[] = [];
  let fallback: RowCollector | undefined;
  let last: unknown[] | undefined;
  /** The looked-up columns, ascending, with the table and value each takes. */
  const lookedUp = lookups
    .flatMap((table, index) => table.slots.map((column, value) => ({ column, table: index, value })))
    .sort((a, b) => a.column - b.column);
  const columns = lookedUp.map(({ column }) => column);
  const found: (readonly Buffer[] | undefined)[] = lookups.map(() => undefined);
  const cursor = new WireCursor();
  /** The order keys of the row at `at` in `bytes`. */
  const keysAt = (bytes: Buffer, at: number): unknown[] => {
    cursor.bytes = bytes;
    cursor.at = at;
    const visible = fields.length - keys;
    skip(cursor, visible);
    return fields.slice(visible).map((field) => decoded(cursor, field));
  };
  const append = (packet: MysqlPacket): void => {
    starts[count++] = arena.add(packet);
    if (lookups.length === 0) return;
    for (let table = 0; table < lookups.length; table++) {
      const keySlot = lookups[table].slots[0];
      cursor.bytes = packet.buffer;
      cursor.at = packet.offset;
      skip(cursor, keySlot);
      found[table] = lookups[table].find(decoded(cursor, fields[keySlot]));
    }
    for (const { table, value } of lookedUp) cells.push(found[table]?.[value] ?? NULL_CELL);
  };
  const take = (): WireRows | undefined => {
    if (count === 0) return undefined;
    arena.flush();
    const rows = new WireRows(arena.bytes, starts, count, { columns, cells });
    lent.set(rows, arena);
    arena = spare.pop() ?? new Arena(ARENA_BYTES);
    arena.used = 0;
    [count, starts, cells] = [0, new Uint32Array(size), []];
    return rows;
  };
  return {
    attach(query: Query, full: (batch: RowBatch) => void, fail: (error: Error) => void): void {
      query.once('fields', (described: FieldPacket[]) => {
        if (!described.every(wireReadable)) {
          fallback = otherwise;
          otherwise.attach(query, full, fail);
          return;
        }
        fields = described;
        const parser = {
          next(packet: MysqlPacket): symbol {
            append(packet);
            if (count === size) {
              if (keys > 0) last = keysAt(packet.buffer, packet.offset);
              full(take() as WireRows);
            }
            return TAKEN;
          },
        };
        Object.defineProperty(query, '_rowParser', { configurable: true, get: () => parser, set: () => undefined });
        query.on('result', (row: unknown) => {
          if (row !== TAKEN)
            fail(new Error('mysql2 decoded a row itself: the wire reader no longer takes its rows (has its Query changed?)'));
        });
      });
    },
    rest() {
      if (fallback) return fallback.rest();
      if (count === 0) return undefined;
      arena.flush();
      if (keys > 0) last = keysAt(arena.bytes, starts[count - 1]);
      return take();
    },
    lastKeys() {
      return fallback ? fallback.lastKeys() : last;
    },
    release(batch) {
      if (fallback) return;
      const spent = batch instanceof WireRows ? lent.get(batch) : undefined;
      if (spent) spare.push(spent);
    },
  };
}
