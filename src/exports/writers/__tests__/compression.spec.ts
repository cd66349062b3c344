import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { compressedContentType, compressedExtension, compressedOutput } from '../compression';
import { CsvWriter } from '../csv.writer';
import type { ExportRow, ExportWriteContext } from '../export-writer';
import { COLUMNS } from './writer-fixtures';

const context: ExportWriteContext = {
  exportId: 7,
  exportType: 'EZPASS',
  title: 'EZPass tolls',
  columns: COLUMNS,
  filters: {},
  totalRecords: 0,
  generatedAt: new Date(),
};

/** 20,000 rows: several coalesced chunks in, several compressed chunks out. */
const rows: ExportRow[] = Array.from({ length: 20_000 }, (_, i) => [i, `Driver ${i}`, '2024-01-31 23:30:00', '2024-01-31', '-12.50', null]);

/** A file stream that keeps what it is given, or fails once it has been given `failAfter` bytes. */
function destination(failAfter = Infinity): Writable & { bytes(): Buffer } {
  const chunks: Buffer[] = [];
  let size = 0;
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      size += chunk.length;
      callback(size > failAfter ? new Error('disk full') : null);
    },
  });
  return Object.assign(out, { bytes: () => Buffer.concat(chunks) });
}

async function writeCsv(out: Writable): Promise<void> {
  const writer = new CsvWriter().open(out, context);
  for (let i = 0; i < rows.length; i += 1000) await writer.write(rows.slice(i, i + 1000));
  await writer.finish();
}

describe('gzip compression of exports', () => {
  it('gzips what the writer writes: the file gunzips to the uncompressed export byte for byte', async () => {
    const plain = destination();
    await writeCsv(plain);
    const gzipped = destination();
    const output = compressedOutput(gzipped, 'gzip');
    await writeCsv(output.stream);
    await output.done;

    expect(gzipped.writableFinished).toBe(true);
    expect(gzipped.bytes().subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(gunzipSync(gzipped.bytes()).toString('utf8')).toBe(plain.bytes().toString('utf8'));
  });

  it('fails the writer and `done` with the file stream error, instead of hanging', async () => {
    const output = compressedOutput(destination(1024), 'gzip');
    await expect(writeCsv(output.stream)).rejects.toThrow();
    await expect(output.done).rejects.toThrow('disk full');
  });

  it('leaves an uncompressed export as it is', async () => {
    const file = destination();
    const output = compressedOutput(file, null);
    expect(output.stream).toBe(file);
    await expect(output.done).resolves.toBeUndefined();
    expect(compressedExtension('csv', null)).toBe('csv');
    expect(compressedContentType('text/csv; charset=utf-8', null)).toBe('text/csv; charset=utf-8');
  });

  it('names and labels a gzip file .gz, application/gzip', () => {
    expect(compressedExtension('json', 'gzip')).toBe('json.gz');
    expect(compressedContentType('application/json; charset=utf-8', 'gzip')).toBe('application/gzip');
  });
});
