import { PassThrough } from 'node:stream';
import { text } from 'node:stream/consumers';
import type { ExportFormatWriter, ExportRow } from '../export-writer';
import { JsonWriter } from '../json.writer';
import { NdjsonWriter } from '../ndjson.writer';
import { edgeRows, writeContext } from './writer-fixtures';

async function write(format: ExportFormatWriter, rows: ExportRow[]): Promise<string> {
  const context = writeContext({ totalRecords: rows.length });
  const out = new PassThrough();
  const writer = format.open(out, context);
  const [written] = await Promise.all([text(out), writer.write(rows).then(() => writer.finish())]);
  return written;
}

describe(NdjsonWriter.name, () => {
  const rows = edgeRows('line one\nline two "quoted"');

  it('writes one JSON object per line, each ended by LF, with the values of the json format', async () => {
    const ndjson = await write(new NdjsonWriter(), rows);
    const lines = ndjson.split('\n');

    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(rows.length);
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(JSON.parse(await write(new JsonWriter(), rows)));
    expect(JSON.parse(lines[0])).toEqual({
      id: 1,
      driver_name: 'José Núñez',
      transaction_date: '2024-01-31T23:30:00Z',
      posting_date: '2024-01-31',
      amount: -12.5,
      note: '=SUM(A1:A2)',
    });
  });

  it('writes an empty file when no rows match', async () => {
    expect(await write(new NdjsonWriter(), [])).toBe('');
  });

  it('is .ndjson, application/x-ndjson', () => {
    expect([new NdjsonWriter().extension, new NdjsonWriter().contentType]).toEqual(['ndjson', 'application/x-ndjson']);
  });
});
