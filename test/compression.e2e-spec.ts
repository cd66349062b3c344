import { gunzipSync } from 'node:zlib';
import { EzpassExportQuery } from '../src/ezpass/ezpass-export.query';
import { download, expectedCsvRows, jsonValue, parseCsv, requestExport, waitForExport } from './support/exports';
import { ezpassRows, insertRows } from './support/factories';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';
import { oracleSql } from './support/oracle';

const columns = new EzpassExportQuery().columns.filter((column) => !column.optional);
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const COALESCED_CHUNK_BYTES = 64 * 1024;
const WINTER = { from_posting_date: '2024-01-01', to_posting_date: '2024-02-29' };
const WINTER_SQL = oracleSql(
  'EZPASS',
  columns.map((c) => c.key),
  "t.posting_date BETWEEN '2024-01-01' AND '2024-02-29'",
);

describe('gzip-compressed csv and json exports (MariaDB, BullMQ)', () => {
  let stack: TestStack;
  let app: TestApp;
  const alice = tokenFor('alice');

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
  });

  /** Runs an export to completion and downloads it; checks what every gzip download must show. */
  async function gzipExport(format: 'csv' | 'json', fileName: (id: number) => string): Promise<Buffer> {
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
    const rows: Record<string, unknown>[] = await stack.db.query(WINTER_SQL);
    expect(rows.length).toBeGreaterThan(2500);
    expect(items).toEqual(rows.map((row) => Object.fromEntries(columns.map((c) => [c.key, jsonValue(c.type, row[c.key])]))));
  });

  it.each(['excel', 'pdf'])('refuses %s with gzip with 400 naming compression, creating nothing', async (format) => {
    const before = await jobCount();
    const response = await app
      .http()
      .post('/api/exports/request')
      .set(bearer(alice))
      .send({ export_type: 'EZPASS', format, compression: 'gzip' });
    expect(response.status).toBe(400);
    expect((response.body.message as string[]).join(' | ')).toContain('compression');
    expect(await jobCount()).toBe(before);
  });
});
