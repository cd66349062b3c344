import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedDatabase } from '../src/database/seed/seeder';
import { ExportQueryRegistry } from '../src/exports/query/export-query.registry';
import { download, excelValue, readXlsx, requestExport, waitForExport } from './support/exports';
import { ezpassRows, insertRows } from './support/factories';
import { oracleSql } from './support/oracle';
import { createTempDir } from './support/test-env';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';

const alice = tokenFor('alice');
/** Ledger types need the finance role. */
const fiona = tokenFor('fiona', ['finance']);
const TYPES = ['EZPASS', 'PVB', 'CURB', 'LEDGER_POSTINGS', 'LEDGER_BALANCES'];
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('Excel and PDF files read back with independent readers, for all five types (MariaDB, BullMQ)', () => {
  let stack: TestStack;
  let app: TestApp;
  let registry: ExportQueryRegistry;
  const dir = createTempDir('readback');

  beforeAll(async () => {
    stack = await createTestStack({ database: 'mariadb', redis: true });
    await seedDatabase(stack.config.database, { rows: 300, seed: 13 });
    // The edge cases a round trip must keep exactly.
    await insertRows(stack.db, 'ezpass_transactions', [
      {
        ...ezpassRows(1, 99)[0],
        transaction_id: 'EDGE-1',
        transaction_date: '2024-01-31 23:30:00',
        posting_date: '2024-01-31',
        amount: '-12.50',
        entry_plaza: '=SUM(A1:A2)',
        status: 'José Núñez',
      },
    ]);
    app = await startTestApp(stack);
    registry = app.app.get(ExportQueryRegistry);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
    dir.remove();
  });

  async function fetchFile(
    type: string,
    format: string,
    filters: object = {},
  ): Promise<{ path: string; contentType: string; name: string }> {
    const id = await requestExport(app.http, fiona, { export_type: type, format, filters });
    const status = await waitForExport(app.http, fiona, id);
    expect(status.status).toBe('COMPLETED');
    const response = await download(app.http, fiona, id);
    const path = join(dir.path, `${id}.${format}`);
    writeFileSync(path, response.body);
    return { path, contentType: String(response.headers['content-type']), name: String(status.file_name) };
  }

  it.each(TYPES.map((type) => [type]))('%s to xlsx: header, then every row and cell equal to the database', async (type) => {
    const provider = registry.get(type);
    const columns = provider.columns.filter((c) => !c.optional);
    const file = await fetchFile(type, 'excel');
    expect(file.contentType).toBe(XLSX_TYPE);
    expect(file.name).toMatch(/\.xlsx$/);
    const sheets = await readXlsx(file.path, columns.length);
    expect(sheets).toHaveLength(1);
    const [header, ...rows] = sheets[0][1];
    expect(header).toEqual(columns.map((c) => c.header));
    const dbRows: Record<string, unknown>[] = await stack.db.query(
      oracleSql(
        type,
        columns.map((c) => c.key),
      ),
    );
    expect(rows).toEqual(dbRows.map((row) => columns.map((c) => excelValue(c.type, row[c.key]))));
  });

  it('keeps a late-evening timestamp, a negative amount, non-ASCII text and a formula-like value exactly', async () => {
    const provider = registry.get('EZPASS');
    const columns = provider.columns.filter((c) => !c.optional);
    const [[, [, row]]] = await readXlsx((await fetchFile('EZPASS', 'excel', { transaction_id: 'EDGE-1' })).path, columns.length);
    const cell = (key: string) => row[columns.findIndex((c) => c.key === key)];
    expect(cell('transaction_date')).toEqual(new Date(Date.UTC(2024, 0, 31, 23, 30, 0)));
    expect(cell('posting_date')).toEqual(new Date(Date.UTC(2024, 0, 31)));
    expect(cell('amount')).toBe(-12.5);
    expect(cell('entry_plaza')).toBe('=SUM(A1:A2)');
    expect(cell('status')).toBe('José Núñez');
  });

  it.each(TYPES.map((type) => [type]))('%s to pdf: title, filters, page numbers and the rows as text', async (type) => {
    const provider = registry.get(type);
    const keyColumn = provider.columns.find((c) => !c.optional && c.type === 'text' && c.key !== 'driver_id') ?? provider.columns[1];
    const filters =
      type === 'LEDGER_BALANCES'
        ? {}
        : { [provider.filters[0].kind === 'date' ? `from_${provider.filters[0].name}` : provider.filters[0].name]: '2024-01-01' };
    const file = await fetchFile(type, 'pdf', filters);
    expect(file.contentType).toBe('application/pdf');
    const text = execFileSync('pdftotext', ['-layout', file.path, '-'], { encoding: 'utf8' });
    expect(text).toContain(provider.title);
    expect(text).toMatch(/Page 1 of \d+/);
    if (type !== 'LEDGER_BALANCES') expect(text).toContain('2024-01-01');
    const where = type === 'LEDGER_BALANCES' ? undefined : `t.${provider.filters[0].column ?? provider.filters[0].name} >= '2024-01-01'`;
    const expected: Record<string, unknown>[] = await stack.db.query(oracleSql(type, [keyColumn.key], where));
    expect(expected.length).toBeGreaterThan(0);
    expect(text).toContain(`${expected.length}`);
    for (const row of expected) if (row[keyColumn.key] !== null) expect(text).toContain(String(row[keyColumn.key]));
  });

  it('shows non-ASCII names in a PDF', async () => {
    const text = execFileSync('pdftotext', ['-layout', (await fetchFile('LEDGER_BALANCES', 'pdf')).path, '-'], { encoding: 'utf8' });
    expect(text).toContain('José Núñez');
  });
});

describe('PDF over the 10,000-record limit', () => {
  let stack: TestStack;
  let app: TestApp;

  beforeAll(async () => {
    stack = await createTestStack({ database: 'mariadb', redis: true });
    await insertRows(stack.db, 'ezpass_transactions', ezpassRows(10_001, 4), 2000);
    app = await startTestApp(stack, 'api');
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  it('is refused up front with 422 naming the count, and nothing is queued', async () => {
    const response = await app.http().post('/api/exports/request').set(bearer(alice)).send({ export_type: 'EZPASS', format: 'pdf' });
    expect(response.status).toBe(422);
    expect(response.body.message).toContain('10,001 records match these filters; pdf exports are limited to 10,000.');
    expect(Number((await stack.db.query('SELECT COUNT(*) AS n FROM export_jobs'))[0].n)).toBe(0);
    const narrowed = await app
      .http()
      .post('/api/exports/request')
      .set(bearer(alice))
      .send({ export_type: 'EZPASS', format: 'pdf', filters: { driver_id: 'D001' } });
    expect(narrowed.status).toBe(202);
  });
});
