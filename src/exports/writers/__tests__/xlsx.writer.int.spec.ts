import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValueType, Workbook } from 'exceljs';
import type { CellValue, Row } from 'exceljs';
import type { FileColumn } from '../../query/export-query.provider';
import { libreOfficeCsv, openpyxlSheets } from './spreadsheet-readers';
import { COLUMNS, edgeRows } from './writer-fixtures';
import type { ExportRow, ExportWriteContext } from '../export-writer';
import { XlsxWriter, sheetName } from '../xlsx.writer';

const ROWS = edgeRows('+1 555 0100');

interface SheetRead {
  name: string;
  rows: Row[];
}

function context(title = 'Bridge tolls', columns: FileColumn[] = COLUMNS): ExportWriteContext {
  return { exportId: 7, exportType: 'TOLLS', title, columns, filters: {}, totalRecords: 0, generatedAt: new Date() };
}

async function writeFile(path: string, writer: XlsxWriter, rows: ExportRow[], ctx = context(), batch = 2): Promise<void> {
  const out = createWriteStream(path);
  const file = writer.open(out, ctx);
  for (let i = 0; i < rows.length; i += batch) await file.write(rows.slice(i, i + batch));
  await file.finish();
  expect(out.writableFinished).toBe(true);
}

/** Read whole (exceljs's streaming reader garbles a multi-byte character split between inflated chunks). */
async function readSheets(path: string): Promise<SheetRead[]> {
  const workbook = new Workbook();
  await workbook.xlsx.readFile(path);
  return workbook.worksheets.map((worksheet) => {
    const rows: Row[] = [];
    worksheet.eachRow((row) => rows.push(row));
    return { name: worksheet.name, rows };
  });
}

function cellValues(row: Row): CellValue[] {
  return COLUMNS.map((_column, index) => row.getCell(index + 1).value);
}

describe(XlsxWriter.name, () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'xlsx-writer-'));
    path = join(dir, 'out.xlsx');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes typed cells: UTC date-times without a zone shift, dates, numbers, text and empty nulls', async () => {
    await writeFile(path, new XlsxWriter(), ROWS);

    const [sheet] = await readSheets(path);
    expect(sheet.name).toBe('Bridge tolls');
    expect(sheet.rows).toHaveLength(4);
    const [, first, nulls, last] = sheet.rows;

    expect(cellValues(first)).toEqual([
      1,
      'José Núñez',
      new Date(Date.UTC(2024, 0, 31, 23, 30)),
      new Date(Date.UTC(2024, 0, 31)),
      -12.5,
      '=SUM(A1:A2)',
    ]);
    expect(first.getCell(6).type).toBe(ValueType.String);
    expect(first.getCell(6).formula).toBeUndefined();
    expect(first.getCell(3).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(first.getCell(4).numFmt).toBe('yyyy-mm-dd');
    expect(first.getCell(5).numFmt).toBe('#,##0.00;-#,##0.00');

    expect(cellValues(nulls)).toEqual([2, null, null, null, null, null]);
    expect(cellValues(last)).toEqual([
      3,
      'Ann Lee',
      new Date(Date.UTC(2024, 1, 1, 0, 0, 1)),
      new Date(Date.UTC(2024, 1, 29)),
      1234567.89,
      '+1 555 0100',
    ]);
  });

  it('escapes XML specials in text and drops the control characters XML cannot carry', async () => {
    const tricky = [4, `<b>"Tom" & 'Jerry'</b>\u0001\u001f\u007f tab\there`, '2024-03-01 12:00:00', '2024-03-01', 'abc', ']]> </v></c>'];
    await writeFile(path, new XlsxWriter(), [tricky]);

    const [sheet] = await readSheets(path);
    expect(cellValues(sheet.rows[1])).toEqual([
      4,
      `<b>"Tom" & 'Jerry'</b> tab\there`,
      new Date(Date.UTC(2024, 2, 1, 12)),
      new Date(Date.UTC(2024, 2, 1)),
      'abc',
      ']]> </v></c>',
    ]);
  });

  it('drops U+FFFE, U+FFFF and lone surrogates from cells, headers and sheet names: exceljs, openpyxl and LibreOffice open the file', async () => {
    const columns: FileColumn[] = [
      { key: 'id', header: 'ID', type: 'integer' },
      { key: 'name', header: 'Name\uFFFF', type: 'text' },
    ];
    const dirty = 'a\uFFFEb\uFFFFc\uD800d\uDC00e\u{1F600}f';
    await writeFile(path, new XlsxWriter(), [[1, dirty]], context('Tolls\uFFFE', columns));

    const clean = 'abcde\u{1F600}f';
    const [sheet] = await readSheets(path);
    expect(sheet.name).toBe('Tolls');
    expect(sheet.rows.map((row) => [row.getCell(1).value, row.getCell(2).value])).toEqual([
      ['ID', 'Name'],
      [1, clean],
    ]);
    expect(openpyxlSheets(path)).toEqual([
      [
        'Tolls',
        [
          ['ID', 'Name'],
          [1, clean],
        ],
      ],
    ]);
    expect(libreOfficeCsv(path, dir)).toBe(`ID,Name\n1,${clean}\n`);
  });

  it('stores a text starting with = as a plain string cell, never a formula', async () => {
    await writeFile(path, new XlsxWriter(), ROWS);

    const xml = execFileSync('unzip', ['-p', path, 'xl/worksheets/sheet1.xml'], { encoding: 'utf8' });
    expect(xml).toContain('<c r="F2" t="str"><v>=SUM(A1:A2)</v></c>');
    expect(xml).not.toContain('<f>');
  });

  it('writes a bold, frozen header row with an autofilter over the data and the column widths', async () => {
    await writeFile(path, new XlsxWriter(), ROWS);

    const [sheet] = await readSheets(path);
    const header = sheet.rows[0];
    expect(cellValues(header)).toEqual(COLUMNS.map((column) => column.header));
    header.eachCell((cell) => expect(cell.font?.bold).toBe(true));
    expect(sheet.rows[1].getCell(2).font?.bold).toBeFalsy();

    const workbook = new Workbook();
    await workbook.xlsx.readFile(path);
    const worksheet = workbook.worksheets[0];
    expect(worksheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(worksheet.autoFilter).toBe('A1:F4');
    expect(worksheet.getColumn(2).width).toBe(20);
    expect(worksheet.getColumn(3).width).toBe(20);
  });

  it('rolls over to a new sheet, with its own header, after maxRowsPerSheet rows', async () => {
    const columns: FileColumn[] = [
      { key: 'id', header: 'ID', type: 'integer' },
      { key: 'name', header: 'Name', type: 'text' },
    ];
    const rows = Array.from({ length: 8 }, (_row, index): ExportRow => [index + 1, `row ${index + 1}`]);
    await writeFile(path, new XlsxWriter(3), rows, context('Parking: violations [NYC]', columns), 5);

    const sheets = await readSheets(path);
    expect(sheets.map((sheet) => sheet.name)).toEqual([
      'Parking  violations  NYC',
      'Parking  violations  NYC (2)',
      'Parking  violations  NYC (3)',
    ]);
    expect(sheets.map((sheet) => sheet.rows.length)).toEqual([4, 4, 3]);
    for (const sheet of sheets) expect([sheet.rows[0].getCell(1).value, sheet.rows[0].getCell(2).value]).toEqual(['ID', 'Name']);
    const ids = sheets.flatMap((sheet) => sheet.rows.slice(1).map((row) => row.getCell(1).value));
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('writes a valid workbook with only the header when there are no rows', async () => {
    await writeFile(path, new XlsxWriter(), []);

    const sheets = await readSheets(path);
    expect(sheets).toHaveLength(1);
    expect(sheets[0].rows).toHaveLength(1);
  });

  it('stops without throwing on abort and rejects later writes', async () => {
    const out = createWriteStream(path);
    const file = new XlsxWriter().open(out, context());
    await file.write(ROWS);

    expect(() => file.abort()).not.toThrow();
    await expect(file.write(ROWS)).rejects.toThrow('aborted');
    expect(out.destroyed).toBe(true);
  });

  it('rejects write() when the output fails', async () => {
    const out = createWriteStream(join(dir, 'missing', 'out.xlsx'));
    const file = new XlsxWriter().open(out, context());
    const many = Array.from({ length: 5000 }, (_row, index): ExportRow => [index, 'x'.repeat(200), null, null, null, null]);

    await expect(file.write(many).then(() => file.finish())).rejects.toThrow('ENOENT');
  });

  it('refuses a sheet size Excel cannot hold', () => {
    expect(() => new XlsxWriter(1_048_576)).toThrow('maxRowsPerSheet');
  });

  it.each([
    ['Bridge tolls', 1, 'Bridge tolls'],
    ['a/b\\c?d*e:f[g]h', 2, 'a b c d e f g h (2)'],
    ["'Quoted'", 1, 'Quoted'],
    ['A very long export title that keeps on going', 12, 'A very long export title t (12)'],
    ['Tolls\u0000\uFFFF\uDC00', 1, 'Tolls'],
  ])('names sheet %j #%i as %j', (title, index, expected) => {
    expect(sheetName(title, index)).toBe(expected);
    expect(sheetName(title, index).length).toBeLessThanOrEqual(31);
  });
});
