import { EzpassExportQuery } from '../src/ezpass/ezpass-export.query';
import { download, expectedCsvRows, parseCsv, requestExport, waitForExport } from './support/exports';
import { ezpassRows, insertRows } from './support/factories';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { tokenFor } from './support/tokens';
import { oracleSql } from './support/oracle';

const columns = new EzpassExportQuery().columns.filter((column) => !column.optional);

describe('Exports in the embedded profile (SQLite, in-process queue, one process)', () => {
  let stack: TestStack;
  let app: TestApp;
  const alice = tokenFor('alice');

  beforeAll(async () => {
    stack = await createTestStack({ database: 'sqlite', redis: false });
    await insertRows(stack.db, 'ezpass_transactions', ezpassRows(3000, 7));
    app = await startTestApp(stack);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  it('exports filtered EZPass rows to CSV that equal the SQL rows, cell for cell', async () => {
    const id = await requestExport(app.http, alice, {
      export_type: 'EZPASS',
      format: 'csv',
      filters: {
        from_posting_date: '2024-01-10',
        to_posting_date: '2024-01-31',
        from_amount: '-10',
        to_amount: 30,
        entry_plaza: 'GWB,Lincoln Tunnel',
      },
    });
    const status = await waitForExport(app.http, alice, id);
    expect(status).toMatchObject({ status: 'COMPLETED', progress: 100, file_name: `ezpass_2024-01-10_2024-01-31_${id}.csv` });

    const file = await download(app.http, alice, id);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(Number(file.headers['content-length'])).toBe(file.body.length);
    const [header, ...rows] = await parseCsv(file.body.toString('utf8'));
    expect(header).toEqual(columns.map((c) => c.header));
    const expected = await expectedCsvRows(
      stack.db,
      columns,
      oracleSql(
        'EZPASS',
        columns.map((c) => c.key),
        't.posting_date >= ? AND t.posting_date <= ? AND t.amount >= ? AND t.amount <= ? AND t.entry_plaza IN (?, ?)',
        undefined,
        'sqlite',
      ),
      ['2024-01-10', '2024-01-31', -10, 30, 'GWB', 'Lincoln Tunnel'],
    );
    expect(expected.length).toBeGreaterThan(50);
    expect(rows).toEqual(expected);
    expect(status.processed_records).toBe(expected.length);
  });

  it('exports JSON as one array of typed objects', async () => {
    const id = await requestExport(app.http, alice, { export_type: 'EZPASS', format: 'json', filters: { driver_id: ['D001'] } });
    expect((await waitForExport(app.http, alice, id)).status).toBe('COMPLETED');
    const file = await download(app.http, alice, id);
    const items = JSON.parse(file.body.toString('utf8')) as Record<string, unknown>[];
    const expected: { transaction_id: string; amount: number }[] = await stack.db.query(
      "SELECT transaction_id, amount FROM ezpass_transactions WHERE driver_id = 'D001' ORDER BY posting_date, id",
    );
    expect(items.map((item) => item.transaction_id)).toEqual(expected.map((row) => row.transaction_id));
    expect(items.map((item) => item.amount)).toEqual(expected.map((row) => Number(row.amount)));
    expect(Object.keys(items[0])).toEqual(columns.map((c) => c.key));
  });
});
