import { PassThrough } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { parseString } from '@fast-csv/parse';
import { pythonCsv } from '../../../../test/support/exports';
import { CSV_DELIMITERS, CSV_LINE_ENDINGS, DEFAULT_CSV_OPTIONS, parseCsvOptions } from '../../csv-options';
import type { CsvOptions } from '../../csv-options';
import { CsvWriter } from '../csv.writer';
import { guardFormula } from '../export-writer';
import type { ExportRow } from '../export-writer';
import { COLUMNS, edgeRows, writeContext } from './writer-fixtures';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const HEADER = COLUMNS.map((column) => column.header);

/** Text that must survive any delimiter: every delimiter, quotes, CR, LF, CRLF, and a formula after a delimiter. */
const TRICKY: ExportRow[] = [
  [4, 'a,b;c\td|e', null, null, '0.00', 'say "hi"'],
  [5, 'two\nlines', null, null, '1.00', 'cr\ronly'],
  [6, 'crlf\r\ninside', null, null, '2.00', 'x;=cmd|"y"'],
];
const ROWS = [...edgeRows('+1 555 0100'), ...TRICKY];

/** What an independent reader must see: the rows as the writer was given them, formula text guarded. */
const EXPECTED = ROWS.map((row) =>
  row.map((value) => (value === null ? '' : typeof value === 'string' ? guardFormula(value) : String(value))),
);

async function writeCsv(rows: ExportRow[], csv?: CsvOptions): Promise<Buffer> {
  const context = writeContext({ totalRecords: rows.length, csv });
  const out = new PassThrough();
  const writer = new CsvWriter().open(out, context);
  // Rows are handed over as copies: the writer guards text in place.
  const [bytes] = await Promise.all([buffer(out), writer.write(rows.map((row) => [...row])).then(() => writer.finish())]);
  return bytes;
}

/** @fast-csv/parse, told the same delimiter; the BOM is taken off only when one is expected. */
function fastCsvRows(bytes: Buffer, options: CsvOptions): Promise<string[][]> {
  const text = (options.bom ? bytes.subarray(BOM.length) : bytes).toString('utf8');
  return new Promise((resolve, reject) => {
    const rows: string[][] = [];
    parseString(text, { delimiter: options.delimiter, headers: false })
      .on('data', (row: string[]) => rows.push(row))
      .on('error', reject)
      .on('end', () => resolve(rows));
  });
}

/** Every combination of the four options. */
const COMBINATIONS: CsvOptions[] = CSV_DELIMITERS.flatMap((delimiter) =>
  CSV_LINE_ENDINGS.flatMap((line_ending) =>
    [true, false].flatMap((bom) => [true, false].map((header) => ({ delimiter, line_ending, bom, header }))),
  ),
);

describe('CsvWriter options', () => {
  it.each(COMBINATIONS)('writes %j so that both parsers, set the same way, read back every cell', async (options) => {
    const bytes = await writeCsv(ROWS, options);
    const expected = options.header ? [HEADER, ...EXPECTED] : EXPECTED;

    expect(bytes.subarray(0, 3).equals(BOM)).toBe(options.bom);
    expect(await fastCsvRows(bytes, options)).toEqual(expected);
    expect(pythonCsv(bytes, options)).toEqual(expected);
  });

  it.each(CSV_LINE_ENDINGS)('ends every record, the last included, with %s and nothing else', async (lineEnding) => {
    // Rows without CR or LF in their text: every line break in the file is a record's end.
    const text = (await writeCsv(edgeRows('plain'), { ...DEFAULT_CSV_OPTIONS, line_ending: lineEnding })).toString('utf8');
    const end = lineEnding === 'crlf' ? '\r\n' : '\n';

    expect(text.endsWith(end)).toBe(true);
    expect(text.split(end)).toHaveLength(1 + 3 + 1);
    if (lineEnding === 'lf') expect(text).not.toContain('\r');
  });

  it.each(CSV_DELIMITERS)('quotes a field holding the delimiter %j, a quote, CR or LF, and no other', async (delimiter) => {
    const text = (await writeCsv(TRICKY.slice(0, 1), { ...DEFAULT_CSV_OPTIONS, delimiter, header: false, bom: false })).toString('utf8');
    const fields = text.replace(/\r\n$/, '').split(delimiter);

    expect(fields[0]).toBe('4');
    expect(fields.at(-1)).toBe('"say ""hi"""');
    expect(text).toContain(`"a,b;c\td|e"${delimiter}`);
  });

  it.each(CSV_DELIMITERS)('guards formulas with the delimiter %j: one cell, shown as text, never a formula', async (delimiter) => {
    const hostile = ['=HYPERLINK("http://evil.example")', '@SUM(A1)', '\t=1+2', `x${delimiter}=cmd`];
    const rows = hostile.map((value, i): ExportRow => [i, value, null, null, '1.00', null]);
    const options = { ...DEFAULT_CSV_OPTIONS, delimiter, header: false };
    const cells = (await fastCsvRows(await writeCsv(rows, options), options)).map((row) => row[1]);

    expect(cells).toEqual([`'${hostile[0]}`, `'${hostile[1]}`, `'${hostile[2]}`, hostile[3]]);
    expect(pythonCsv(await writeCsv(rows, options), options).map((row) => row[1])).toEqual(cells);
  });

  it('keeps the defaults without options: comma, BOM, CRLF, header', async () => {
    const bytes = await writeCsv(edgeRows('x'));
    expect(bytes).toEqual(await writeCsv(edgeRows('x'), { ...DEFAULT_CSV_OPTIONS }));
    expect(bytes.subarray(0, 3)).toEqual(BOM);
    expect(bytes.toString('utf8')).toMatch(/^\uFEFFID,Driver,Transaction Date,Posting Date,Amount,Note\r\n1,José Núñez,/);
  });

  it('writes the BOM exactly when asked, also in a file without rows; a file of no rows and no header is empty', async () => {
    expect((await writeCsv([])).toString('utf8')).toBe(`\uFEFF${HEADER.join(',')}\r\n`);
    expect((await writeCsv([], { ...DEFAULT_CSV_OPTIONS, bom: false })).toString('utf8')).toBe(`${HEADER.join(',')}\r\n`);
    expect(await writeCsv([], { ...DEFAULT_CSV_OPTIONS, header: false })).toEqual(BOM);
    expect(await writeCsv([], { ...DEFAULT_CSV_OPTIONS, header: false, bom: false })).toEqual(Buffer.alloc(0));
  });
});

describe(parseCsvOptions.name, () => {
  it('fills in the defaults, and treats options equal to the defaults as none (stored and hashed as none)', () => {
    expect(parseCsvOptions(undefined, 'csv')).toEqual({ options: null, errors: [] });
    expect(parseCsvOptions({}, 'csv')).toEqual({ options: null, errors: [] });
    expect(parseCsvOptions({ delimiter: ',', header: true }, 'csv')).toEqual({ options: null, errors: [] });
    expect(parseCsvOptions({ header: false, delimiter: '\t' }, 'csv')).toEqual({
      options: { delimiter: '\t', bom: true, line_ending: 'crlf', header: false },
      errors: [],
    });
  });

  it('names every wrong field at once', () => {
    const { options, errors } = parseCsvOptions({ delimiter: ':', bom: 'yes', line_ending: 'cr', header: 1, quote: "'" }, 'csv');
    expect(options).toBeNull();
    expect(errors).toEqual([
      'csv.quote is not a csv option; options: delimiter, bom, line_ending, header',
      'csv.delimiter must be one of: ",", ";", "\\t", "|" ("\\t" is a tab)',
      'csv.bom must be true or false',
      'csv.line_ending must be one of: "crlf", "lf"',
      'csv.header must be true or false',
    ]);
  });

  it.each(['json', 'ndjson', 'excel', 'pdf'] as const)('refuses csv options with the %s format, saying why', (format) => {
    expect(parseCsvOptions({ delimiter: ';' }, format).errors).toEqual([
      `csv applies to the csv format only; ${format} files have no delimiter, byte-order mark or header row to choose`,
    ]);
  });

  it.each([null, 'semicolon', [';']])('refuses %j: csv must be an object', (raw) => {
    expect(parseCsvOptions(raw, 'csv').errors).toEqual(['csv must be an object such as {"delimiter": ";", "bom": false}']);
  });
});
