import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedDatabase } from '../src/database/seed/seeder';
import type { ExportColumn } from '../src/exports/query/export-query.provider';
import { ExportQueryRegistry } from '../src/exports/query/export-query.registry';
import { download, excelValue, expectedCsvRows, jsonValue, parseCsv, readXlsx, requestExport, waitForExport } from './support/exports';
import { oracleSql } from './support/oracle';
import { createTempDir } from './support/test-env';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';

interface TypeCase {
  label: string;
  filters: Record<string, unknown>;
  /** The same selection written by hand: conditions on the oracle's aliases. */
  where?: string;
  having?: string;
}

const OWNERS = ['BIG APPLE TAXI MANAGEMENT LLC', 'MIDTOWN HACK CORP'];
const owners = OWNERS.map((owner) => `'${owner}'`).join(', ');

/** For each type: no filters, several filters, and the filters the types are known for (joined column, "as of"). */
const CASES: Record<string, TypeCase[]> = {
  EZPASS: [
    {
      label: 'several filters',
      filters: { from_posting_date: '2024-01-01', to_posting_date: '2024-12-31', from_amount: '5', status: 'POSTED_TO_LEDGER,PENDING' },
      where: "t.posting_date BETWEEN '2024-01-01' AND '2024-12-31' AND t.amount >= 5 AND t.status IN ('POSTED_TO_LEDGER', 'PENDING')",
    },
    {
      label: 'a filter on the joined medallion owner',
      filters: { medallion_owner: OWNERS.join(',') },
      where: `m.owner_name IN (${owners})`,
    },
  ],
  PVB: [
    {
      label: 'several filters',
      filters: { from_issue_date: '2024-01-01', to_issue_date: '2024-06-30', county: ['MANHATTAN', 'QUEENS'], from_amount: 50 },
      where: "t.issue_date >= '2024-01-01' AND t.issue_date < '2024-07-01' AND t.county IN ('MANHATTAN', 'QUEENS') AND t.amount_due >= 50",
    },
    { label: 'a filter on the joined medallion owner', filters: { medallion_owner: OWNERS }, where: `m.owner_name IN (${owners})` },
  ],
  CURB: [
    {
      label: 'several filters',
      filters: { from_trip_date: '2023-06-01', to_trip_date: '2024-06-30', payment_type: 'CREDIT', to_amount: '40.00' },
      where: "t.start_time >= '2023-06-01' AND t.start_time < '2024-07-01' AND t.payment_type = 'CREDIT' AND t.total_amount <= 40",
    },
  ],
  LEDGER_POSTINGS: [
    {
      label: 'several filters',
      filters: { category: 'EZPASS,PVB', entry_type: 'DEBIT', from_posting_date: '2024-01-01' },
      where: "t.category IN ('EZPASS', 'PVB') AND t.entry_type = 'DEBIT' AND t.posting_date >= '2024-01-01'",
    },
  ],
  LEDGER_BALANCES: [
    { label: 'balances as of 2024-01-31', filters: { to_posting_date: '2024-01-31' }, where: "p.posting_date < '2024-02-01'" },
    {
      label: 'a category and a balance bound',
      filters: { category: ['CURB'], to_balance: '0' },
      where: "p.category = 'CURB'",
      having: 'balance <= 0',
    },
  ],
};

describe('All five export types equal hand-written SQL (joins, GROUP BY) in csv, json, ndjson and excel (MariaDB, BullMQ worker)', () => {
  let stack: TestStack;
  let app: TestApp;
  let registry: ExportQueryRegistry;
  const dir = createTempDir('types');
  const finance = tokenFor('fiona', ['finance']);

  beforeAll(async () => {
    // small read batches: every file here is read in several keyset batches, across ties in the first order key
    stack = await createTestStack({ database: 'mariadb', redis: true, env: { EXPORT_READ_BATCH_ROWS: '100' } });
    await seedDatabase(stack.config.database, { rows: 600, seed: 9, until: '2025-06-30' });
    app = await startTestApp(stack);
    registry = app.app.get(ExportQueryRegistry);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
    dir.remove();
  });

  const defaults = (type: string): ExportColumn[] => registry.get(type).columns.filter((column) => !column.optional);

  async function exportFile(body: object): Promise<Buffer> {
    const id = await requestExport(app.http, finance, body);
    const status = await waitForExport(app.http, finance, id);
    expect(status.status).toBe('COMPLETED');
    return (await download(app.http, finance, id)).body;
  }

  const cases = Object.entries(CASES).flatMap(([type, list]) =>
    [{ label: 'no filters', filters: {} } as TypeCase, ...list].map((c) => ({ type, ...c })),
  );

  describe.each(cases)('$type with $label', ({ type, filters, where, having }) => {
    const expectedSql = (columns: ExportColumn[]) =>
      oracleSql(
        type,
        columns.map((c) => c.key),
        where,
        having,
      );

    it('csv equals the SQL, cell for cell', async () => {
      const columns = defaults(type);
      const [header, ...rows] = await parseCsv((await exportFile({ export_type: type, format: 'csv', filters })).toString('utf8'));
      const expected = await expectedCsvRows(stack.db, columns, expectedSql(columns));
      expect(header).toEqual(columns.map((c) => c.header));
      expect(expected.length).toBeGreaterThan(0);
      expect(rows).toEqual(expected);
    });

    it('json equals the SQL, value for value', async () => {
      const columns = defaults(type);
      const items = JSON.parse((await exportFile({ export_type: type, format: 'json', filters })).toString('utf8')) as object[];
      const rows: Record<string, unknown>[] = await stack.db.query(expectedSql(columns));
      expect(items).toEqual(rows.map((row) => Object.fromEntries(columns.map((c) => [c.key, jsonValue(c.type, row[c.key])]))));
    });

    it('ndjson is one object per line, every line parses, and the objects equal the SQL, value for value', async () => {
      const columns = defaults(type);
      const text = (await exportFile({ export_type: type, format: 'ndjson', filters })).toString('utf8');
      const rows: Record<string, unknown>[] = await stack.db.query(expectedSql(columns));
      expect(text.endsWith('\n') || rows.length === 0).toBe(true);
      const items = text
        .split('\n')
        .slice(0, -1)
        .map((line) => JSON.parse(line) as object);
      expect(items).toEqual(rows.map((row) => Object.fromEntries(columns.map((c) => [c.key, jsonValue(c.type, row[c.key])]))));
    });

    it('excel equals the SQL, cell for cell', async () => {
      const columns = defaults(type);
      const path = join(dir.path, `${type}-${Object.keys(filters).length}.xlsx`);
      writeFileSync(path, await exportFile({ export_type: type, format: 'excel', filters }));
      const [[, [header, ...rows]]] = await readXlsx(path, columns.length);
      const expected: Record<string, unknown>[] = await stack.db.query(expectedSql(columns));
      expect(header).toEqual(columns.map((c) => c.header));
      expect(rows).toEqual(expected.map((row) => columns.map((c) => excelValue(c.type, row[c.key]))));
    });
  });

  describe.each(Object.keys(CASES))('%s columns', (type) => {
    it('writes exactly the chosen columns, in the chosen order, joined ones included', async () => {
      const all = registry.get(type).columns;
      const chosen = [all[3], ...all.filter((c) => c.optional), all[0]];
      const columns = [...new Map(chosen.map((c) => [c.key, c])).values()];
      const [header, ...rows] = await parseCsv(
        (await exportFile({ export_type: type, format: 'csv', columns: columns.map((c) => c.key) })).toString('utf8'),
      );
      expect(header).toEqual(columns.map((c) => c.header));
      expect(rows).toEqual(
        await expectedCsvRows(
          stack.db,
          columns,
          oracleSql(
            type,
            columns.map((c) => c.key),
          ),
        ),
      );
    });

    it('refuses an unknown column key with 400 listing the valid ones', async () => {
      const response = await app
        .http()
        .post('/api/exports/request')
        .set(bearer(finance))
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

  it('carries driver_name among the default columns of every fleet type, medallion owner and vehicle as options', () => {
    for (const type of ['EZPASS', 'PVB', 'CURB', 'LEDGER_POSTINGS']) {
      const columns = registry.get(type).columns;
      const byKey = new Map(columns.map((c) => [c.key, c]));
      expect({ type, driverName: byKey.get('driver_name') }).toMatchObject({ type, driverName: { header: 'Driver Name' } });
      expect(byKey.get('driver_name')?.optional).toBeUndefined();
      expect([byKey.get('medallion_owner')?.optional, byKey.get('vehicle')?.optional]).toEqual([true, true]);
    }
  });

  it('GET /api/exports/types describes what the exports actually write and accept', async () => {
    const response = await app.http().get('/api/exports/types').set(bearer(finance));
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
          .set(bearer(finance))
          .send({ export_type: listed.export_type, format: 'csv', filters: { [key]: {} } });
        expect(probe.status).toBe(400);
        expect(probe.body.message.join(' ')).not.toContain('is not a filter');
      }
    }
  });

  it('lists the filters the contract names for each type', async () => {
    const response = await app.http().get('/api/exports/types').set(bearer(finance));
    const keys = Object.fromEntries(
      (response.body as { export_type: string; filters: { key: string }[] }[]).map((t) => [
        t.export_type,
        t.filters.map((f) => f.key).sort(),
      ]),
    );
    const range = (...names: string[]) => names.flatMap((n) => [`from_${n}`, `to_${n}`]);
    const fleet = ['driver_id', 'medallion_no', 'vin'];
    expect(keys).toEqual({
      EZPASS: [
        ...range('posting_date', 'transaction_date', 'amount'),
        ...['plate_number', 'transaction_id', 'entry_plaza', 'status', ...fleet, 'medallion_owner'],
      ].sort(),
      PVB: [
        ...range('issue_date', 'posting_date', 'amount'),
        ...['summons_number', 'plate_number', 'violation_code', 'county', 'status', ...fleet, 'medallion_owner'],
      ].sort(),
      CURB: [...range('trip_date', 'amount'), 'trip_id', 'payment_type', 'status', ...fleet].sort(),
      LEDGER_POSTINGS: [
        ...range('posting_date', 'amount'),
        'posting_id',
        'category',
        'entry_type',
        'status',
        'reference_id',
        ...fleet,
      ].sort(),
      LEDGER_BALANCES: [...range('posting_date', 'balance'), 'category', ...fleet].sort(),
    });
  });
});
