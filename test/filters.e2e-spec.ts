import { seedDatabase } from '../src/database/seed/seeder';
import { EXPORT_TYPES, ExportQueryRegistry } from '../src/exports/query/export-query.registry';
import type { ColumnType, ExportQueryProvider, FilterSpec } from '../src/exports/query/export-query.provider';
import { csvCell, download, requestExport, waitForExport } from './support/exports';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { tokenFor } from './support/tokens';

type Canonical = Record<string, string | null>;

interface FilterCase {
  label: string;
  filters: Record<string, unknown>;
  matches: (row: Canonical) => boolean;
  /** Rows that must be in the result because they sit exactly on a boundary. */
  mustInclude: (rows: Canonical[]) => Canonical[];
}

/** The filter semantics of the contract, written independently of the engine: the test's oracle. */
function casesFor(spec: FilterSpec, rows: Canonical[]): FilterCase[] {
  const key = spec.column ?? spec.name;
  const values = rows.map((row) => row[key]).filter((value): value is string => value !== null);
  if (spec.kind === 'values') {
    const counts = new Map<string, number>();
    for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
    const chosen = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, Math.min(2, counts.size - 1))
      .map(([value]) => value);
    const matches = (row: Canonical) => row[key] !== null && chosen.includes(row[key]);
    return [
      { label: `${spec.name} as a comma-separated string`, filters: { [spec.name]: chosen.join(',') }, matches, mustInclude: () => [] },
      { label: `${spec.name} as an array`, filters: { [spec.name]: chosen }, matches, mustInclude: () => [] },
    ];
  }
  if (spec.kind === 'date') {
    const days = [...new Set(values.map((value) => value.slice(0, 10)))].sort();
    const from = days[Math.floor(days.length * 0.3)];
    // Prefer a `to` day with a late-evening row: it proves the whole day is included.
    const to =
      days.slice(Math.floor(days.length * 0.6)).find((day) => values.some((v) => v.startsWith(day) && v.slice(11) >= '12:00:00')) ??
      days[Math.floor(days.length * 0.6)];
    const matches = (row: Canonical) => row[key] !== null && row[key].slice(0, 10) >= from && row[key].slice(0, 10) <= to;
    return [
      {
        label: `from_${spec.name}/to_${spec.name} (inclusive, whole to-day)`,
        filters: { [`from_${spec.name}`]: from, [`to_${spec.name}`]: to },
        matches,
        mustInclude: (all) => all.filter((row) => row[key]?.startsWith(from) || row[key]?.startsWith(to)),
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
      matches: (row) => row[key] !== null && Number(row[key]) >= from && Number(row[key]) <= to,
      mustInclude: (all) => all.filter((row) => Number(row[key]) === from || Number(row[key]) === to),
    },
  ];
}

/** Database values as comparable strings (text stays verbatim; no formula guard here). */
function canonical(type: ColumnType, value: unknown): string | null {
  if (value === null) return null;
  return type === 'text' ? String(value) : csvCell(type, value);
}

function compareBy(keys: readonly string[]) {
  return (a: Canonical, b: Canonical): number => {
    for (const key of keys) {
      const [x, y] = [a[key], b[key]];
      if (x === y) continue;
      if (x === null) return -1;
      if (y === null) return 1;
      const numeric = /^-?\d+(\.\d+)?$/.test(x) && /^-?\d+(\.\d+)?$/.test(y) && key === 'id';
      return numeric ? Number(x) - Number(y) : x < y ? -1 : 1;
    }
    return 0;
  };
}

describe('Every filter of every export type narrows the rows exactly as the contract says (MariaDB, BullMQ)', () => {
  let stack: TestStack;
  let app: TestApp;
  let registry: ExportQueryRegistry;
  const table = new Map<string, Canonical[]>();
  const alice = tokenFor('alice');

  beforeAll(async () => {
    stack = await createTestStack({ database: 'mariadb', redis: true });
    await seedDatabase(stack.config.database, { rows: 400, seed: 5 });
    app = await startTestApp(stack);
    registry = app.app.get(ExportQueryRegistry);
    for (const provider of registry.all()) {
      const raw: Record<string, unknown>[] = await stack.db.query(`SELECT * FROM ${provider.table}`);
      table.set(
        provider.exportType,
        raw.map((row) => Object.fromEntries(provider.columns.map((c) => [c.key, canonical(c.type, row[c.key])]))),
      );
    }
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  const providerCases = (provider: ExportQueryProvider): [string, FilterCase][] => {
    const rows = table.get(provider.exportType) ?? [];
    return provider.filters.flatMap((spec) => casesFor(spec, rows).map((c) => [c.label, c] as [string, FilterCase]));
  };

  it.each(EXPORT_TYPES.map((type) => [type]))('%s: each filter returns exactly the matching rows, in order', async (type) => {
    const provider = registry.get(type);
    const rows = table.get(type) ?? [];
    expect(rows.length).toBeGreaterThan(20);
    const sorted = [...rows].sort(compareBy(provider.orderBy));
    const cases = providerCases(provider);
    expect(cases.length).toBeGreaterThanOrEqual(provider.filters.length);

    for (const [label, filterCase] of cases) {
      const expected = sorted.filter(filterCase.matches);
      expect({ label, narrows: expected.length > 0 && expected.length < rows.length }).toEqual({ label, narrows: true });
      const id = await requestExport(app.http, alice, { export_type: type, format: 'json', columns: ['id'], filters: filterCase.filters });
      expect((await waitForExport(app.http, alice, id)).status).toBe('COMPLETED');
      const exported = (JSON.parse((await download(app.http, alice, id)).body.toString()) as { id: number }[]).map((item) =>
        String(item.id),
      );
      expect({ label, ids: exported }).toEqual({ label, ids: expected.map((row) => row.id) });
      for (const boundary of filterCase.mustInclude(rows))
        expect({ label, included: exported.includes(boundary.id as string) }).toEqual({ label, included: true });
    }
  });
});
