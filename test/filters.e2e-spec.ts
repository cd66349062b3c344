import { seedDatabase } from '../src/database/seed/seeder';
import type { ColumnType, ExportQueryProvider, FilterSpec } from '../src/exports/query/export-query.provider';
import { ExportQueryRegistry } from '../src/exports/query/export-query.registry';
import { csvCell, download, requestExport, waitForExport } from './support/exports';
import { ORACLE, oracleKeys, oracleSql } from './support/oracle';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { tokenFor } from './support/tokens';

type Canonical = Record<string, string | null>;

interface FilterCase {
  label: string;
  filters: Record<string, unknown>;
  /** The rows the filter must return, in file order. */
  expected: (rows: Canonical[]) => Promise<Canonical[]>;
  /** Rows that must be in the result because they sit exactly on a boundary. */
  mustInclude: (rows: Canonical[]) => Canonical[];
}

const TYPES = ['EZPASS', 'PVB', 'CURB', 'LEDGER_POSTINGS', 'LEDGER_BALANCES'];
/** What tells one row of a file from another: the id, or a balance's group (with its count, which a posting filter changes). */
const IDENTITY: Record<string, string[]> = { LEDGER_BALANCES: ['driver_id', 'medallion_no', 'vin', 'category', 'posting_count'] };
const identity = (type: string): string[] => IDENTITY[type] ?? ['id'];

/** Database values as comparable strings (text stays verbatim; no formula guard here). */
function canonical(type: ColumnType, value: unknown): string | null {
  if (value === null) return null;
  return type === 'text' ? String(value) : csvCell(type, value);
}

const nextDay = (day: string): string => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

describe('Every filter of every export type narrows the rows exactly as the contract says (MariaDB, BullMQ)', () => {
  let stack: TestStack;
  let app: TestApp;
  let registry: ExportQueryRegistry;
  const table = new Map<string, Canonical[]>();
  const finance = tokenFor('fiona', ['finance']);

  const rowsOf = async (provider: ExportQueryProvider, where?: string): Promise<Canonical[]> => {
    const byKey = new Map(provider.columns.map((c) => [c.key, c]));
    const raw: Record<string, unknown>[] = await stack.db.query(oracleSql(provider.exportType, oracleKeys(provider.exportType), where));
    return raw.map((row) =>
      Object.fromEntries(Object.entries(row).map(([key, value]) => [key, canonical(byKey.get(key)?.type ?? 'text', value)])),
    );
  };

  /** The filter semantics of the contract, written independently of the engine: the test's oracle. */
  async function casesFor(provider: ExportQueryProvider, spec: FilterSpec): Promise<FilterCase[]> {
    const rows = table.get(provider.exportType) ?? [];
    const sourceExpression = ORACLE[provider.exportType].sourceFilters?.[spec.name];
    const key = spec.column ?? spec.name;
    const values = sourceExpression
      ? (await stack.db.query<{ v: unknown }[]>(`SELECT DISTINCT ${spec.name} AS v FROM ledger_postings`)).map((r) =>
          csvCell('datetime', r.v),
        )
      : rows.map((row) => row[key]).filter((value): value is string => value !== null);
    if (spec.kind === 'values') {
      const counts = new Map<string, number>();
      for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
      const chosen = [...counts.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, Math.min(2, counts.size - 1))
        .map(([value]) => value);
      const expected = async (all: Canonical[]) => all.filter((row) => row[key] !== null && chosen.includes(row[key]));
      return [
        { label: `${spec.name} as a comma-separated string`, filters: { [spec.name]: chosen.join(',') }, expected, mustInclude: () => [] },
        { label: `${spec.name} as an array`, filters: { [spec.name]: chosen }, expected, mustInclude: () => [] },
      ];
    }
    if (spec.kind === 'date') {
      const days = [...new Set(values.map((value) => value.slice(0, 10)))].sort();
      const from = days[Math.floor(days.length * 0.3)];
      // Prefer a `to` day with a late-evening row: it proves the whole day is included.
      const to =
        days.slice(Math.floor(days.length * 0.6)).find((day) => values.some((v) => v.startsWith(day) && v.slice(11) >= '12:00:00')) ??
        days[Math.floor(days.length * 0.6)];
      const inRange = (value: string | null) => value !== null && value.slice(0, 10) >= from && value.slice(0, 10) <= to;
      return [
        {
          label: `from_${spec.name}/to_${spec.name} (inclusive, whole to-day)`,
          filters: { [`from_${spec.name}`]: from, [`to_${spec.name}`]: to },
          // a filter on the postings behind a balance is a WHERE before grouping, not a test on the grouped rows
          expected: async (all) =>
            sourceExpression
              ? rowsOf(provider, `${sourceExpression} >= '${from}' AND ${sourceExpression} < '${nextDay(to)}'`)
              : all.filter((row) => inRange(row[key])),
          mustInclude: (all) => (sourceExpression ? [] : all.filter((row) => row[key]?.startsWith(from) || row[key]?.startsWith(to))),
        },
      ];
    }
    const amounts = [...new Set(values.map(Number))].sort((a, b) => a - b);
    const from = amounts[Math.floor(amounts.length * 0.3)];
    const to = amounts[Math.floor(amounts.length * 0.7)];
    return [
      {
        label: `from_${spec.name}/to_${spec.name} (inclusive)`,
        filters: { [`from_${spec.name}`]: from.toFixed(2), [`to_${spec.name}`]: to },
        expected: async (all) => all.filter((row) => row[key] !== null && Number(row[key]) >= from && Number(row[key]) <= to),
        mustInclude: (all) => all.filter((row) => Number(row[key]) === from || Number(row[key]) === to),
      },
    ];
  }

  beforeAll(async () => {
    stack = await createTestStack({ database: 'mariadb', redis: true, env: { EXPORT_READ_BATCH_ROWS: '100' } });
    await seedDatabase(stack.config.database, { rows: 400, seed: 5 });
    app = await startTestApp(stack);
    registry = app.app.get(ExportQueryRegistry);
    for (const provider of registry.all()) table.set(provider.exportType, await rowsOf(provider));
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  it.each(TYPES.map((type) => [type]))('%s: each filter returns exactly the matching rows, in order', async (type) => {
    const provider = registry.get(type);
    const rows = table.get(type) ?? [];
    const keys = identity(type);
    const id = (row: Record<string, unknown>) => keys.map((k) => String(row[k])).join('/');
    expect(rows.length).toBeGreaterThan(20);
    const cases = (await Promise.all(provider.filters.map((spec) => casesFor(provider, spec)))).flat();
    expect(cases.length).toBeGreaterThanOrEqual(provider.filters.length);

    for (const filterCase of cases) {
      const { label } = filterCase;
      const expected = await filterCase.expected(rows);
      // a real test of the filter: something matches, and the result is not the unfiltered file
      expect({ label, narrows: expected.length > 0 && JSON.stringify(expected) !== JSON.stringify(rows) }).toEqual({
        label,
        narrows: true,
      });
      const exportId = await requestExport(app.http, finance, {
        export_type: type,
        format: 'json',
        columns: keys,
        filters: filterCase.filters,
      });
      expect((await waitForExport(app.http, finance, exportId)).status).toBe('COMPLETED');
      const exported = (JSON.parse((await download(app.http, finance, exportId)).body.toString()) as Record<string, unknown>[]).map(id);
      expect({ label, ids: exported }).toEqual({ label, ids: expected.map(id) });
      for (const boundary of filterCase.mustInclude(rows))
        expect({ label, included: exported.includes(id(boundary)) }).toEqual({ label, included: true });
    }
  });
});
