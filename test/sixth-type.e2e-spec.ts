import { readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { seedDatabase } from '../src/database/seed/seeder';
import { DOMAIN_MODULES } from '../src/domains';
import { ExportQueryRegistry } from '../src/exports/query/export-query.registry';
import { download, expectedCsvRows, jsonValue, parseCsv, requestExport, waitForExport } from './support/exports';
import { InspectionsModule } from './fixtures/inspections/inspections.module';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { bearer, tokenFor } from './support/tokens';

const FIXTURE = 'test/fixtures/inspections';
const SOURCE = 'src/inspections';
const repo = dirname(__dirname);
const DOMAINS = [...DOMAIN_MODULES, InspectionsModule];

/** The hand-written query: the fixture's rows with the driver's name joined. */
const expectedSql = (dialect: 'mysql' | 'sqlite', where = ''): string => {
  const driverName = dialect === 'mysql' ? "CONCAT(d.first_name, ' ', d.last_name)" : "d.first_name || ' ' || d.last_name";
  return `SELECT i.inspection_id, i.inspected_at, i.result, i.odometer_miles, i.driver_id, ${driverName} AS driver_name
    FROM tlc_inspections i LEFT JOIN drivers d ON d.driver_id = i.driver_id ${where} ORDER BY i.inspected_at, i.id`;
};

describe.each([
  ['MariaDB, BullMQ worker', 'mariadb', true, 'mysql'],
  ['SQLite, in-process queue', 'sqlite', false, 'sqlite'],
] as const)('A sixth export type from its own folder, with a join to drivers (%s)', (_label, database, redis, dialect) => {
  let stack: TestStack;
  let app: TestApp;
  const alice = tokenFor('alice');

  beforeAll(async () => {
    stack = await createTestStack({ database, redis, domains: DOMAINS });
    await seedDatabase(stack.config.database, { rows: 300, seed: 3, until: '2025-12-31', domains: DOMAINS });
    app = await startTestApp(stack);
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  const columns = () =>
    app.app
      .get(ExportQueryRegistry)
      .get('INSPECTIONS')
      .columns.filter((column) => !column.optional);

  it('is listed with its joined column and seeded with the other domains', async () => {
    const types = (await app.http().get('/api/exports/types').set(bearer(alice))).body as {
      export_type: string;
      columns: { key: string }[];
    }[];
    const inspections = types.find((type) => type.export_type === 'INSPECTIONS');
    expect(inspections?.columns.map((column) => column.key)).toContain('driver_name');
    expect(Number((await stack.db.query('SELECT COUNT(*) AS n FROM tlc_inspections'))[0].n)).toBe(300);
  });

  it('exports csv equal to the hand-written join, with and without filters', async () => {
    for (const [filters, where] of [
      [{}, ''],
      [{ result: 'FAILED', from_inspected_at: '2024-01-01' }, "WHERE i.result = 'FAILED' AND i.inspected_at >= '2024-01-01'"],
    ] as const) {
      const id = await requestExport(app.http, alice, { export_type: 'INSPECTIONS', format: 'csv', filters });
      expect((await waitForExport(app.http, alice, id)).status).toBe('COMPLETED');
      const [header, ...rows] = await parseCsv((await download(app.http, alice, id)).body.toString('utf8'));
      const expected = await expectedCsvRows(stack.db, columns(), expectedSql(dialect, where));
      expect(header).toEqual(columns().map((column) => column.header));
      expect(expected.length).toBeGreaterThan(0);
      expect(rows).toEqual(expected);
    }
  });

  it('exports json equal to the hand-written join', async () => {
    const id = await requestExport(app.http, alice, { export_type: 'INSPECTIONS', format: 'json' });
    expect((await waitForExport(app.http, alice, id)).status).toBe('COMPLETED');
    const items = JSON.parse((await download(app.http, alice, id)).body.toString('utf8')) as object[];
    const rows: Record<string, unknown>[] = await stack.db.query(expectedSql(dialect));
    expect(items).toEqual(rows.map((row) => Object.fromEntries(columns().map((c) => [c.key, jsonValue(c.type, row[c.key])]))));
  });
});

/** Import paths resolved to repository paths, with the fixture folder read as the docs' `src/inspections`. */
function normalized(text: string, file: string): string {
  return text.replace(/from '(\.[^']+)'/g, (_match, specifier: string) => {
    const resolved = posix.join(posix.dirname(file), specifier).replace(FIXTURE, SOURCE);
    return `from '${resolved}'`;
  });
}

describe('docs/adding-an-export-type.md', () => {
  const section = readFileSync(join(repo, 'docs', 'adding-an-export-type.md'), 'utf8');
  const blocks = [...section.matchAll(/```ts\n\/\/ (src\/inspections\/\S+)\n([\s\S]*?)```/g)].map(([, path, code]) => ({ path, code }));

  it('shows every file of the fixture type that the test above exports', () => {
    expect(blocks.map((block) => block.path).sort()).toEqual(
      [
        'inspection.entity.ts',
        'inspections-export.query.ts',
        'inspections.module.ts',
        'inspections.seed.ts',
        'migrations/1767225600000-inspections-schema.ts',
      ].map((name) => `${SOURCE}/${name}`),
    );
  });

  it.each([
    'inspection.entity.ts',
    'inspections-export.query.ts',
    'inspections.module.ts',
    'inspections.seed.ts',
    'migrations/1767225600000-inspections-schema.ts',
  ])('has %s exactly as the tested fixture (up to import paths)', (name) => {
    const block = blocks.find((candidate) => candidate.path === `${SOURCE}/${name}`);
    const fixture = readFileSync(join(repo, FIXTURE, name), 'utf8');
    expect(normalized(block?.code ?? '', `${SOURCE}/${name}`)).toBe(normalized(fixture, `${FIXTURE}/${name}`));
  });

  it('says to add the module to the list of domain modules', () => {
    expect(section).toContain('src/domains.ts');
    expect(section).toContain('InspectionsModule');
  });
});
