import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { EzpassExportQuery } from '../src/ezpass/ezpass-export.query';
import { download, expectedCsvRows, jsonValue, parseCsv, requestExport, waitForExport } from './support/exports';
import { ezpassRows, insertRows } from './support/factories';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';
import { oracleSql } from './support/oracle';
import { createTempDir } from './support/test-env';
import { pythonZipNames, unzipEntry, unzipTest, zipEntries } from './support/zip-files';

const columns = new EzpassExportQuery().columns.filter((column) => !column.optional);
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const COALESCED_CHUNK_BYTES = 64 * 1024;
const WINTER = { from_posting_date: '2024-01-01', to_posting_date: '2024-02-29' };
const WINTER_SQL = oracleSql(
  'EZPASS',
  columns.map((c) => c.key),
  "t.posting_date BETWEEN '2024-01-01' AND '2024-02-29'",
);

/** The SQL rows as the json and ndjson writers print them. */
async function expectedObjects(stack: TestStack): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = await stack.db.query(WINTER_SQL);
  expect(rows.length).toBeGreaterThan(2500);
  return rows.map((row) => Object.fromEntries(columns.map((c) => [c.key, jsonValue(c.type, row[c.key])])));
}

const ndjsonObjects = (text: string): unknown[] =>
  text
    .split('\n')
    .slice(0, -1)
    .map((line) => JSON.parse(line) as unknown);

describe('gzip- and zip-compressed csv, json and ndjson exports (MariaDB, BullMQ)', () => {
  let stack: TestStack;
  let app: TestApp;
  const alice = tokenFor('alice');
  const dir = createTempDir('zips');

  const jobCount = async (): Promise<number> => Number((await stack.db.query('SELECT COUNT(*) AS n FROM export_jobs'))[0].n);

  beforeAll(async () => {
    stack = await createTestStack({ database: 'mariadb', redis: true });
    // Enough rows for the file to span many 64 KiB coalesced chunks before compression.
    await insertRows(stack.db, 'ezpass_transactions', ezpassRows(3000, 5));
    app = await startTestApp(stack);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
    dir.remove();
  });

  /** Runs an export to completion and downloads it; checks what every gzip download must show. */
  async function gzipExport(format: 'csv' | 'json' | 'ndjson', fileName: (id: number) => string): Promise<Buffer> {
    const id = await requestExport(app.http, alice, { export_type: 'EZPASS', format, filters: WINTER, compression: 'gzip' });
    const status = await waitForExport(app.http, alice, id);
    expect(status).toMatchObject({ status: 'COMPLETED', file_name: fileName(id), compression: 'gzip' });

    const file = await download(app.http, alice, id);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('application/gzip');
    expect(file.headers['content-disposition']).toContain(`filename="${fileName(id)}"`);
    expect(file.body.subarray(0, 2)).toEqual(GZIP_MAGIC);
    expect(Number(status.file_size)).toBe(file.body.length);
    const text = gunzipSync(file.body);
    expect(text.length).toBeGreaterThan(4 * COALESCED_CHUNK_BYTES);
    expect(file.body.length).toBeLessThan(text.length / 3);
    return text;
  }

  it('writes csv as .csv.gz whose rows, gunzipped, equal the SQL rows cell for cell', async () => {
    const [header, ...rows] = await parseCsv(
      (await gzipExport('csv', (id) => `ezpass_2024-01-01_2024-02-29_${id}.csv.gz`)).toString('utf8'),
    );
    const expected = await expectedCsvRows(stack.db, columns, WINTER_SQL);
    expect(header).toEqual(columns.map((c) => c.header));
    expect(expected.length).toBeGreaterThan(2500);
    expect(rows).toEqual(expected);
  });

  it('writes json as .json.gz whose objects, gunzipped, equal the SQL rows value for value', async () => {
    const items = JSON.parse(
      (await gzipExport('json', (id) => `ezpass_2024-01-01_2024-02-29_${id}.json.gz`)).toString('utf8'),
    ) as unknown[];
    expect(items).toEqual(await expectedObjects(stack));
  });

  it('writes ndjson as .ndjson.gz whose lines, gunzipped, each parse and equal the SQL rows value for value', async () => {
    const text = (await gzipExport('ndjson', (id) => `ezpass_2024-01-01_2024-02-29_${id}.ndjson.gz`)).toString('utf8');
    expect(ndjsonObjects(text)).toEqual(await expectedObjects(stack));
  });

  /** The download of an export with `body`, after checking it COMPLETED. */
  async function exported(body: object) {
    const id = await requestExport(app.http, alice, { export_type: 'EZPASS', filters: WINTER, ...body });
    const status = await waitForExport(app.http, alice, id);
    expect(status.status).toBe('COMPLETED');
    const response = await download(app.http, alice, id);
    expect(response.status).toBe(200);
    return { id, status, response };
  }

  describe.each(['csv', 'json', 'ndjson'] as const)('zip of %s', (format) => {
    it(`is a .${format}.zip archive that unzip -t accepts, of one entry named like the file and equal to the uncompressed export`, async () => {
      const { id, status, response } = await exported({ format, compression: 'zip' });
      const fileName = `ezpass_2024-01-01_2024-02-29_${id}.${format}.zip`;
      const entryName = `ezpass_2024-01-01_2024-02-29_${id}.${format}`;
      expect(status).toMatchObject({ file_name: fileName, compression: 'zip' });
      expect(response.headers['content-type']).toBe('application/zip');
      expect(response.headers['content-disposition']).toContain(`filename="${fileName}"`);
      expect(Number(status.file_size)).toBe(response.body.length);
      const path = join(dir.path, fileName);
      writeFileSync(path, response.body);

      const uncompressed = (await exported({ format })).response.body;
      expect(unzipTest(path)).toMatch(new RegExp(`testing: ${entryName}\\s+OK[\\s\\S]*No errors detected`));
      expect(zipEntries(path)).toEqual([{ name: entryName, size: uncompressed.length, compressedSize: expect.any(Number) as number }]);
      expect(response.body.length).toBeLessThan(uncompressed.length / 3);
      expect(pythonZipNames(path)).toEqual([entryName]);
      const entry = unzipEntry(path, entryName);
      expect(entry).toEqual(uncompressed);
      const text = entry.toString('utf8');
      if (format === 'csv') expect((await parseCsv(text)).slice(1)).toEqual(await expectedCsvRows(stack.db, columns, WINTER_SQL));
      else expect(format === 'json' ? JSON.parse(text) : ndjsonObjects(text)).toEqual(await expectedObjects(stack));
    });
  });

  it.each([
    ['excel', 'gzip'],
    ['pdf', 'gzip'],
    ['excel', 'zip'],
    ['pdf', 'zip'],
  ])('refuses %s with %s with 400 naming compression, creating nothing', async (format, compression) => {
    const before = await jobCount();
    const response = await app.http().post('/api/exports/request').set(bearer(alice)).send({ export_type: 'EZPASS', format, compression });
    expect(response.status).toBe(400);
    expect((response.body.message as string[]).join(' | ')).toContain('compression');
    expect(await jobCount()).toBe(before);
  });
});
