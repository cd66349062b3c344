import { seedDatabase } from '../src/database/seed/seeder';
import { ExportQueryRegistry } from '../src/exports/query/export-query.registry';
import type { ExportColumn } from '../src/exports/query/export-query.provider';
import { download, expectedCsvRows, jsonValue, parseCsv, requestExport, waitForExport } from './support/exports';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';

/** Each type with several filters and the same selection written by hand in SQL. */
const CASES = [
  {
    type: 'EZPASS',
    filters: { from_posting_date: '2024-01-01', to_posting_date: '2024-12-31', from_amount: '5', status: 'POSTED_TO_LEDGER,PENDING' },
    where: "posting_date BETWEEN '2024-01-01' AND '2024-12-31' AND amount >= 5 AND status IN ('POSTED_TO_LEDGER', 'PENDING')",
    order: 'posting_date, id',
  },
  {
    type: 'PVB',
    filters: { from_issue_date: '2024-01-01', to_issue_date: '2024-06-30', county: ['MANHATTAN', 'QUEENS'], from_amount: 50 },
    where: "issue_date >= '2024-01-01' AND issue_date < '2024-07-01' AND county IN ('MANHATTAN', 'QUEENS') AND amount_due >= 50",
    order: 'issue_date, id',
  },
  {
    type: 'CURB',
    filters: { from_trip_date: '2023-06-01', to_trip_date: '2024-06-30', payment_type: 'CREDIT', to_amount: '40.00' },
    where: "start_time >= '2023-06-01' AND start_time < '2024-07-01' AND payment_type = 'CREDIT' AND total_amount <= 40",
    order: 'start_time, id',
  },
  {
    type: 'LEDGER_POSTINGS',
    filters: { category: 'EZPASS,PVB', entry_type: 'DEBIT', from_posting_date: '2024-01-01' },
    where: "category IN ('EZPASS', 'PVB') AND entry_type = 'DEBIT' AND posting_date >= '2024-01-01'",
    order: 'posting_date, id',
  },
  {
    type: 'LEDGER_BALANCES',
    filters: { category: ['CURB'], to_balance: '0' },
    where: "category = 'CURB' AND balance <= 0",
    order: 'driver_id, medallion_no, category, id',
  },
];

describe('All five export types (MariaDB, BullMQ worker)', () => {
  let stack: TestStack;
  let app: TestApp;
  let registry: ExportQueryRegistry;
  const alice = tokenFor('alice');

  beforeAll(async () => {
    stack = await createTestStack({ database: 'mariadb', redis: true });
    await seedDatabase(stack.config.database, { rows: 600, seed: 9 });
    app = await startTestApp(stack);
    registry = app.app.get(ExportQueryRegistry);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  const defaults = (type: string): ExportColumn[] => registry.get(type).columns.filter((column) => !column.optional);
  const select = (type: string, columns: ExportColumn[]) =>
    `SELECT ${columns.map((c) => c.key).join(', ')} FROM ${registry.get(type).table}`;

  async function exportFile(body: object): Promise<Buffer> {
    const id = await requestExport(app.http, alice, body);
    const status = await waitForExport(app.http, alice, id);
    expect(status.status).toBe('COMPLETED');
    return (await download(app.http, alice, id)).body;
  }

  describe.each(CASES)('$type', ({ type, filters, where, order }) => {
    it.each([
      ['no filters', {}, ''],
      ['several filters', filters, `WHERE ${where}`],
    ])('CSV with %s equals the hand-written SQL, cell for cell', async (_label, requestFilters, whereClause) => {
      const columns = defaults(type);
      const [header, ...rows] = await parseCsv(
        (await exportFile({ export_type: type, format: 'csv', filters: requestFilters })).toString('utf8'),
      );
      const expected = await expectedCsvRows(stack.db, columns, `${select(type, columns)} ${whereClause} ORDER BY ${order}`);
      expect(header).toEqual(columns.map((c) => c.header));
      expect(expected.length).toBeGreaterThan(0);
      expect(rows).toEqual(expected);
    });

    it.each([
      ['no filters', {}, ''],
      ['several filters', filters, `WHERE ${where}`],
    ])('JSON with %s equals the hand-written SQL, value for value', async (_label, requestFilters, whereClause) => {
      const columns = defaults(type);
      const items = JSON.parse(
        (await exportFile({ export_type: type, format: 'json', filters: requestFilters })).toString('utf8'),
      ) as Record<string, unknown>[];
      const rows: Record<string, unknown>[] = await stack.db.query(`${select(type, columns)} ${whereClause} ORDER BY ${order}`);
      expect(items).toEqual(rows.map((row) => Object.fromEntries(columns.map((c) => [c.key, jsonValue(c.type, row[c.key])]))));
    });

    it('writes exactly the chosen columns, in the chosen order', async () => {
      const all = registry.get(type).columns;
      const chosen = [all[3], all[0], all[all.length - 2]];
      const [header] = await parseCsv(
        (await exportFile({ export_type: type, format: 'csv', columns: chosen.map((c) => c.key) })).toString('utf8'),
      );
      expect(header).toEqual(chosen.map((c) => c.header));
      const [first] = JSON.parse(
        (await exportFile({ export_type: type, format: 'json', columns: chosen.map((c) => c.key) })).toString('utf8'),
      ) as object[];
      expect(Object.keys(first)).toEqual(chosen.map((c) => c.key));
    });

    it('refuses an unknown column key with 400 listing the valid ones', async () => {
      const response = await app
        .http()
        .post('/api/exports/request')
        .set(bearer(alice))
        .send({ export_type: type, format: 'csv', columns: ['nope'] });
      expect(response.status).toBe(400);
      expect(response.body.message.join(' ')).toContain(
        `valid columns: ${registry
          .get(type)
          .columns.map((c) => c.key)
          .join(', ')}`,
      );
    });
  });

  it('GET /api/exports/types describes what the exports actually write and accept', async () => {
    const response = await app.http().get('/api/exports/types').set(bearer(alice));
    expect(response.status).toBe(200);
    const types = response.body as {
      export_type: string;
      columns: { key: string; header: string; default: boolean }[];
      filters: { key: string }[];
    }[];
    expect(types.map((t) => t.export_type).sort()).toEqual(['CURB', 'EZPASS', 'LEDGER_BALANCES', 'LEDGER_POSTINGS', 'PVB']);
    for (const listed of types) {
      const [header] = await parseCsv((await exportFile({ export_type: listed.export_type, format: 'csv', filters: {} })).toString('utf8'));
      expect(header).toEqual(listed.columns.filter((c) => c.default).map((c) => c.header));
      for (const { key } of listed.filters) {
        const probe = await app
          .http()
          .post('/api/exports/request')
          .set(bearer(alice))
          .send({ export_type: listed.export_type, format: 'csv', filters: { [key]: {} } });
        expect(probe.status).toBe(400);
        expect(probe.body.message.join(' ')).not.toContain('is not a filter');
      }
    }
  });

  it('lists the filters the contract names for each type', async () => {
    const response = await app.http().get('/api/exports/types').set(bearer(alice));
    const keys = Object.fromEntries(
      (response.body as { export_type: string; filters: { key: string }[] }[]).map((t) => [
        t.export_type,
        t.filters.map((f) => f.key).sort(),
      ]),
    );
    const range = (...names: string[]) => names.flatMap((n) => [`from_${n}`, `to_${n}`]);
    expect(keys).toEqual({
      EZPASS: [
        ...range('posting_date', 'transaction_date', 'amount'),
        'plate_number',
        'transaction_id',
        'entry_plaza',
        'status',
        'driver_id',
        'medallion_no',
        'vin',
      ].sort(),
      PVB: [
        ...range('issue_date', 'posting_date', 'amount'),
        'summons_number',
        'plate_number',
        'violation_code',
        'county',
        'status',
        'driver_id',
        'medallion_no',
        'vin',
      ].sort(),
      CURB: [...range('trip_date', 'amount'), 'trip_id', 'payment_type', 'status', 'driver_id', 'medallion_no', 'vin'].sort(),
      LEDGER_POSTINGS: [
        ...range('posting_date', 'amount'),
        'posting_id',
        'category',
        'entry_type',
        'status',
        'reference_id',
        'driver_id',
        'medallion_no',
        'vin',
      ].sort(),
      LEDGER_BALANCES: [...range('balance'), 'category', 'driver_id', 'medallion_no', 'vin'].sort(),
    });
  });
});
