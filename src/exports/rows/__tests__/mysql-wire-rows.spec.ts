import { EventEmitter } from 'node:events';
import { Types } from 'mysql2';
import type { FieldPacket, Query } from 'mysql2';
import type { RowBatch } from '../../writers/export-writer';
import type { WireRows } from '../../writers/wire-rows';
import { wireCell } from '../../writers/wire-rows';
import { wireText } from '../../../../test/support/wire-text';
import { decodedRows } from '../mysql-result-batches';
import { wireRows } from '../mysql-wire-rows';

const FIELDS = [
  { columnType: Types.LONG, flags: 0, encoding: 'binary' },
  { columnType: Types.VAR_STRING, flags: 0, encoding: 'utf8' },
] as unknown as FieldPacket[];

/** One socket read as mysql2's packet parser sees it: packets (4-byte header, then the row's cells) back to back. */
function socketRead(rows: [number, string][]): { buffer: Buffer; packets: { start: number; offset: number; end: number }[] } {
  const payloads = rows.map(([id, text]) => Buffer.concat([wireCell(String(id)), wireCell(text)]));
  const packets: { start: number; offset: number; end: number }[] = [];
  let at = 0;
  for (const payload of payloads) {
    packets.push({ start: at, offset: at + 4, end: at + 4 + payload.length });
    at += 4 + payload.length;
  }
  const headers = payloads.map((payload) => Buffer.from([payload.length & 0xff, payload.length >> 8, 0, 0]));
  return { buffer: Buffer.concat(payloads.flatMap((payload, index) => [headers[index], payload])), packets };
}

/** The socket reads fed so far: zeroed by `forgetReads`, as memory that is gone once collected. */
const fed: Buffer[] = [];
const forgetReads = (): void => {
  for (const read of fed.splice(0)) read.fill(0);
};

/** A query the collector is attached to, fed rows the way mysql2 feeds its row parser (one reused packet object). */
function feed(collector: ReturnType<typeof wireRows>, reads: [number, string][][]): RowBatch[] {
  const query = new EventEmitter() as unknown as Query & { _rowParser: { next(packet: unknown): unknown } };
  const full: RowBatch[] = [];
  collector.attach(
    query,
    (batch) => full.push(batch),
    (error) => {
      throw error;
    },
  );
  query.emit('fields', FIELDS);
  const packet = { buffer: Buffer.alloc(0), start: 0, offset: 0, end: 0 };
  for (const read of reads) {
    const { buffer, packets } = socketRead(read);
    fed.push(buffer);
    for (const at of packets) {
      Object.assign(packet, { buffer }, at);
      query.emit('result', query._rowParser.next(packet));
    }
  }
  return full;
}

const rowsOf = (from: number, to: number): [number, string][] =>
  Array.from({ length: to - from }, (_, index) => [from + index, `row ${from + index} ${'é'.repeat((from + index) % 5)}`]);
const asText = (rows: [number, string][]) => rows.map(([id, text]) => [String(id), text]);

describe(wireRows.name, () => {
  it('copies batches out of the socket reads, runs of packets and rows split across reads alike, and keeps each until released', () => {
    const collector = wireRows(3, 0, [], decodedRows(3, 0, undefined));
    const full = feed(collector, [rowsOf(0, 4), rowsOf(4, 5), rowsOf(5, 9)]);
    const rest = collector.rest();
    forgetReads();
    // none released: three batches in hand at once, each with its own rows
    expect(full.map((batch) => wireText(batch as WireRows, 2))).toEqual([asText(rowsOf(0, 3)), asText(rowsOf(3, 6)), asText(rowsOf(6, 9))]);
    expect(rest).toBeUndefined();
  });

  it('writes a later batch into a released batch’s memory, and never into one still held', () => {
    const collector = wireRows(2, 0, [], decodedRows(2, 0, undefined));
    const [first, second] = feed(collector, [rowsOf(0, 4)]) as WireRows[];
    collector.release?.(first);
    const [third, fourth] = feed(collector, [rowsOf(4, 8)]) as WireRows[];
    forgetReads();
    const memory = [third.bytes, fourth.bytes];
    expect(memory.filter((bytes) => bytes === first.bytes)).toHaveLength(1);
    expect(memory.filter((bytes) => bytes === second.bytes)).toHaveLength(0);
    expect([second, third, fourth].map((batch) => wireText(batch, 2))).toEqual([
      asText(rowsOf(2, 4)),
      asText(rowsOf(4, 6)),
      asText(rowsOf(6, 8)),
    ]);
  });

  it('grows a batch’s memory for rows larger than it, and gives the last row’s order keys', () => {
    const collector = wireRows(2, 1, [], decodedRows(2, 1, undefined));
    const big = 'x'.repeat(100_000);
    const [batch] = feed(collector, [
      [
        [1, big],
        [2, 'small'],
      ],
      [[3, 'tail']],
    ]) as WireRows[];
    const keysOfFull = collector.lastKeys();
    const rest = collector.rest() as WireRows;
    forgetReads();
    expect(wireText(batch, 1)).toEqual([['1'], ['2']]);
    expect(keysOfFull).toEqual(['small']);
    expect(wireText(rest, 1)).toEqual([['3']]);
    expect(collector.lastKeys()).toEqual(['tail']);
  });
});
