import { PassThrough } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { CSV_DELIMITERS } from '../../csv-options';
import type { CsvOptions } from '../../csv-options';
import { CsvWriter } from '../csv.writer';
import type { ExportRow, ExportWriteContext } from '../export-writer';
import { CHUNK_BYTES } from '../text-chunks';
import { WireCursor, WireRows, wireCell } from '../wire-rows';
import type { LookedUpCells } from '../wire-rows';
import { wireText } from '../../../../test/support/wire-text';
import { writeContext } from './writer-fixtures';

/** Rows of text cells (or NULL) as a MySQL server sends them, all in one buffer. */
function wireRows(rows: (string | null)[][], lookedUp?: LookedUpCells): WireRows {
  const cells = rows.map((row) => Buffer.concat(row.map(wireCell)));
  const starts = new Uint32Array(rows.length);
  for (let index = 1; index < rows.length; index++) starts[index] = starts[index - 1] + cells[index - 1].length;
  const bytes = Buffer.concat([...cells, Buffer.from('trailing bytes of the next packet')]);
  return new WireRows(bytes, starts, rows.length, lookedUp);
}

describe(WireCursor.name, () => {
  it('reads cells with each length header the protocol has, and NULL, as written', () => {
    const texts = ['', 'a', 'x'.repeat(250), 'y'.repeat(251), 'z'.repeat(70_000), 'w'.repeat(1 << 24), null, 'é😀'];
    const rows = wireRows([texts]);
    expect(wireText(rows, texts.length)).toEqual([texts]);
    // 1-byte headers under 251 bytes, then 0xfc (2 bytes), 0xfd (3 bytes), 0xfe (8 bytes)
    expect([250, 251, 70_000, 1 << 24].map((length) => wireCell('q'.repeat(length))[0])).toEqual([250, 0xfc, 0xfd, 0xfe]);
  });

  it('slices rows without copying them', () => {
    const rows = wireRows([
      ['1', 'a'],
      ['2', null],
      ['3', 'c'],
    ]);
    const slice = rows.slice(1, 3);
    expect(slice.length).toBe(2);
    expect(slice.bytes).toBe(rows.bytes);
    expect(slice.start(0)).toBe(rows.start(1));
    expect(wireText(slice, 2)).toEqual([
      ['2', null],
      ['3', 'c'],
    ]);
    expect(wireText(rows.slice(2, 10), 2)).toEqual([['3', 'c']]);
  });
});

describe('CsvWriter from wire rows', () => {
  /** The file, written from decoded rows or from the same values as wire cells. */
  async function csv(rows: ExportRow[], options: Partial<ExportWriteContext>, wire: boolean): Promise<Buffer> {
    const out = new PassThrough();
    const writer = new CsvWriter().open(out, writeContext(options));
    const written = buffer(out);
    for (let start = 0; start < rows.length; start += 2) {
      const batch = rows.slice(start, start + 2);
      if (wire) await writer.writeWire?.(wireRows(batch.map((row) => row.map((value) => (value === null ? null : String(value))))));
      else await writer.write(batch);
    }
    await writer.finish();
    return written;
  }

  const columns = (count: number) =>
    Array.from({ length: count }, (_, index) => ({ key: `c${index}`, header: `C${index}`, type: 'text' as const }));

  /** Text a server may send in any cell, and numbers (decoded as numbers, sent as text). */
  const CELLS: (string | number | null)[] = [
    -7,
    42,
    0,
    'plain',
    '',
    null,
    'a,b',
    'a;b',
    'a\tb',
    'a|b',
    'say "hi"',
    'line\nbreak',
    'cr\rhere',
    '=1+2',
    '+1',
    '-1+2',
    '-A1',
    '@SUM(A1)',
    '\tlead',
    '\rlead',
    '-12.50',
    '-7',
    '12.50',
    '2024-01-31 23:30:00.123',
    'José Núñez',
    '漢字 😀',
    'x'.repeat(300),
    '"'.repeat(CHUNK_BYTES + 10),
    'é'.repeat(CHUNK_BYTES),
    'y'.repeat(CHUNK_BYTES * 2),
  ];
  const rows: ExportRow[] = Array.from({ length: 9 }, (_, row) =>
    Array.from({ length: 6 }, (_, column) => CELLS[(row * 6 + column) % CELLS.length]),
  );

  it.each(CSV_DELIMITERS)('writes the same bytes as from decoded rows, delimiter %j, every cell kind', async (delimiter) => {
    for (const line_ending of ['crlf', 'lf'] as const) {
      const options: CsvOptions = { delimiter, line_ending, bom: true, header: true };
      const context = { columns: columns(6), csv: options };
      const [fromWire, decoded] = [await csv(rows, context, true), await csv(rows, context, false)];
      expect(fromWire.equals(decoded)).toBe(true);
      expect(fromWire.length).toBeGreaterThan(CHUNK_BYTES * 4);
    }
  });

  it('writes a looked-up column’s cell instead of the key the row holds there, in its slices too', async () => {
    const names = ['Lou "K", Jr.', null, '=cmd', 'Ann'];
    const keyed = [
      ['1', 'K1', 'a'],
      ['2', 'K2', null],
      ['3', 'K3', 'c'],
      ['4', null, 'd'],
    ];
    const rows = wireRows(keyed, { columns: [1], cells: names.map(wireCell) });
    const options = { columns: columns(3), csv: { delimiter: ',', line_ending: 'lf', bom: false, header: false } as CsvOptions };
    const out = new PassThrough();
    const writer = new CsvWriter().open(out, writeContext(options));
    const written = buffer(out);
    await writer.writeWire?.(rows.slice(0, 1));
    await writer.writeWire?.(rows.slice(1, 4));
    await writer.finish();
    const expected = await csv(
      keyed.map((row, index) => [row[0], names[index], row[2]]),
      options,
      false,
    );
    expect((await written).equals(expected)).toBe(true);
    expect(expected.toString()).toBe(`1,"Lou ""K"", Jr.",a\n2,,\n3,'=cmd,c\n4,Ann,d\n`);
  });

  it('decodes a cell that is not UTF-8 as the decoded rows would have it (U+FFFD), not copying its bytes', async () => {
    const invalid = Buffer.concat([Buffer.from([3]), Buffer.from([0x61, 0xff, 0x62])]);
    const rows = new WireRows(invalid, Uint32Array.from([0]), 1);
    const out = new PassThrough();
    const writer = new CsvWriter().open(
      out,
      writeContext({ columns: columns(1), csv: { delimiter: ',', line_ending: 'lf', bom: false, header: false } }),
    );
    const written = buffer(out);
    await writer.writeWire?.(rows);
    await writer.finish();
    expect((await written).toString()).toBe('a\ufffdb\n');
  });
});
