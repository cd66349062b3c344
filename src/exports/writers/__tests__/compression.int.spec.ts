import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { createTempDir } from '../../../../test/support/test-env';
import { pythonZipNames, unzipEntry, unzipTest, zipEntries } from '../../../../test/support/zip-files';
import { compressedContentType, compressedExtension, compressedOutput } from '../compression';
import { CsvWriter } from '../csv.writer';
import type { ExportRow } from '../export-writer';
import { writeContext } from './writer-fixtures';

/** 20,000 rows: several coalesced chunks in, several compressed chunks out. */
const rows: ExportRow[] = Array.from({ length: 20_000 }, (_, i) => [i, `Driver ${i}`, '2024-01-31 23:30:00', '2024-01-31', '-12.50', null]);

const context = writeContext({ totalRecords: rows.length });

const ENTRY = 'tolls_2024-01-01_7.csv';

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

async function plainCsv(): Promise<Buffer> {
  const plain = destination();
  await writeCsv(plain);
  return plain.bytes();
}

describe('gzip compression of exports', () => {
  it('gzips what the writer writes: the file gunzips to the uncompressed export byte for byte', async () => {
    const gzipped = destination();
    const output = compressedOutput(gzipped, 'gzip', ENTRY);
    await writeCsv(output.stream);
    await output.done;

    expect(gzipped.writableFinished).toBe(true);
    expect(gzipped.bytes().subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(gunzipSync(gzipped.bytes())).toEqual(await plainCsv());
  });

  it('fails the writer and `done` with the file stream error, instead of hanging', async () => {
    const output = compressedOutput(destination(1024), 'gzip', ENTRY);
    await expect(writeCsv(output.stream)).rejects.toThrow();
    await expect(output.done).rejects.toThrow('disk full');
  });

  it('leaves an uncompressed export as it is', async () => {
    const file = destination();
    const output = compressedOutput(file, null, ENTRY);
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

describe('zip archives of exports', () => {
  const dir = createTempDir('zip-spec');
  afterAll(() => dir.remove());

  async function zipCsv(name: string): Promise<string> {
    const file = destination();
    const output = compressedOutput(file, 'zip', ENTRY);
    await writeCsv(output.stream);
    await output.done;
    expect(file.writableFinished).toBe(true);
    const path = join(dir.path, name);
    writeFileSync(path, file.bytes());
    return path;
  }

  it('writes one entry named like the uncompressed file, which unzip -t accepts and which equals the export byte for byte', async () => {
    const path = await zipCsv('export.csv.zip');
    const plain = await plainCsv();

    expect(unzipTest(path)).toContain(`testing: ${ENTRY}`);
    expect(zipEntries(path)).toEqual([{ name: ENTRY, size: plain.length, compressedSize: expect.any(Number) as number }]);
    expect(zipEntries(path)[0].compressedSize).toBeLessThan(plain.length / 3);
    expect(unzipEntry(path, ENTRY)).toEqual(plain);
    expect(pythonZipNames(path)).toEqual([ENTRY]);
  });

  it('fails the writer and `done` with the file stream error, instead of hanging', async () => {
    const output = compressedOutput(destination(1024), 'zip', ENTRY);
    await expect(writeCsv(output.stream)).rejects.toThrow('disk full');
    await expect(output.done).rejects.toThrow('disk full');
  });

  it('fails the file when the writer is aborted, so a partial archive is never finished', async () => {
    const file = destination();
    const output = compressedOutput(file, 'zip', ENTRY);
    const writer = new CsvWriter().open(output.stream, context);
    await writer.write(rows.slice(0, 1000));
    writer.abort();
    await expect(output.done).rejects.toThrow();
    expect(file.destroyed).toBe(true);
    expect(file.writableFinished).toBe(false);
  });

  it('names and labels a zip file .zip after the format, application/zip', () => {
    expect(compressedExtension('ndjson', 'zip')).toBe('ndjson.zip');
    expect(compressedContentType('text/csv; charset=utf-8', 'zip')).toBe('application/zip');
  });
});
