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

interface MysqlPacket {
  buffer: Buffer;
  offset: number;
}

/** Moves `cursor` past `cells` cells. */
function skip(cursor: WireCursor, cells: number): void {
  for (let i = 0; i < cells; i++) cursor.next();
}

/**
 * Rows as the server sent them (`WireRows`), `size` to a batch, where every column is wire-readable;
 * otherwise as `otherwise` collects them. Nothing is copied: a row stays in the buffer its packet
 * came in. mysql2 has no public way to take a row's bytes: its query reads each row with the row
 * parser it makes once the columns are known, and this replaces that parser for the query (the
 * tests write files both ways and compare them, so an upgrade that changes this is caught). `keys`
 * trailing order keys are left unread and the last row's decoded on demand; `lookups` give the
 * cells of their columns.
 */
export function wireRows(size: number, keys: number, lookups: readonly LookedUp<Buffer>[], otherwise: RowCollector): RowCollector {
  let buffers: Buffer[] = [];
  let starts = new Uint32Array(size);
  let cells: Buffer[] = [];
  let fields: FieldPacket[] = [];
  let fallback: RowCollector | undefined;
  /** The looked-up columns, ascending, with the table and value each takes. */
  const lookedUp = lookups
    .flatMap((table, index) => table.slots.map((column, value) => ({ column, table: index, value })))
    .sort((a, b) => a.column - b.column);
  const columns = lookedUp.map(({ column }) => column);
  const take = (): WireRows | undefined => {
    if (buffers.length === 0) return undefined;
    const rows = new WireRows(buffers, starts, { columns, cells });
    [buffers, starts, cells] = [[], new Uint32Array(size), []];
    return rows;
  };
  const found: (readonly Buffer[] | undefined)[] = lookups.map(() => undefined);
  const keyCursor = new WireCursor();
  const append = (packet: MysqlPacket): void => {
    const bytes = packet.buffer;
    starts[buffers.length] = packet.offset;
    buffers.push(bytes);
    if (lookups.length === 0) return;
    for (let table = 0; table < lookups.length; table++) {
      const keySlot = lookups[table].slots[0];
      keyCursor.bytes = bytes;
      keyCursor.at = packet.offset;
      skip(keyCursor, keySlot);
      found[table] = lookups[table].find(decoded(keyCursor, fields[keySlot]));
    }
    for (const { table, value } of lookedUp) cells.push(found[table]?.[value] ?? NULL_CELL);
  };
  let last: { bytes: Buffer; start: number } | undefined;
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
            if (buffers.length === size) {
              last = { bytes: packet.buffer, start: packet.offset };
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
      const count = buffers.length;
      if (count > 0) last = { bytes: buffers[count - 1], start: starts[count - 1] };
      return take();
    },
    lastKeys() {
      if (fallback) return fallback.lastKeys();
      if (!last || keys === 0) return undefined;
      const cursor = new WireCursor(last.bytes);
      cursor.at = last.start;
      const visible = fields.length - keys;
      skip(cursor, visible);
      return fields.slice(visible).map((field) => decoded(cursor, field));
    },
  };
}
