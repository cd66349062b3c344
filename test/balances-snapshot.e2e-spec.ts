import { seedDatabase } from '../src/database/seed/seeder';
import { AppConfig } from '../src/config/app-config';
import type { ExportQueryPlan } from '../src/exports/query/export-query.planner';
import { MysqlRowSourceFactory } from '../src/exports/rows/mysql-row.source';
import { RowSourceFactory } from '../src/exports/rows/row-source';
import type { RowSource } from '../src/exports/rows/row-source';
import { SqliteRowSourceFactory } from '../src/exports/rows/sqlite-row.source';
import { download, expectedCsvRows, parseCsv, requestExport, waitForExport } from './support/exports';
import { oracleKeys, oracleSql } from './support/oracle';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';
import { tokenFor } from './support/tokens';
import { ExportQueryRegistry } from '../src/exports/query/export-query.registry';

describe.each([
  ['MariaDB, BullMQ worker', 'mariadb', true, 'mysql'],
  ['SQLite, in-process queue', 'sqlite', false, 'sqlite'],
] as const)('LEDGER_BALANCES is computed in the export’s own snapshot (%s)', (_label, database, redis, dialect) => {
  let stack: TestStack;
  let app: TestApp;
  const finance = tokenFor('fiona', ['finance']);
  /** Set by a test: runs once, right after the next export's snapshot has begun. */
  let afterSnapshot: (() => Promise<void>) | undefined;

  /** The real row sources, with a hook between opening the snapshot and reading from it. */
  class HookedRowSources extends RowSourceFactory {
    constructor(private readonly inner: RowSourceFactory) {
      super();
    }

    async open(plan: ExportQueryPlan): Promise<RowSource> {
      const source = await this.inner.open(plan);
      const hook = afterSnapshot;
      afterSnapshot = undefined;
      await hook?.();
      return source;
    }
  }

  beforeAll(async () => {
    stack = await createTestStack({ database, redis });
    await seedDatabase(stack.config.database, { rows: 200, seed: 4, until: '2025-06-30' });
    app = await startTestApp(stack, 'all', (builder) =>
      builder.overrideProvider(RowSourceFactory).useFactory({
        inject: [AppConfig],
        factory: (config: AppConfig) =>
          new HookedRowSources(config.database.kind === 'mysql' ? new MysqlRowSourceFactory(config) : new SqliteRowSourceFactory(config)),
      }),
    );
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  async function balancesCsv(): Promise<string[][]> {
    const id = await requestExport(app.http, finance, { export_type: 'LEDGER_BALANCES', format: 'csv' });
    expect((await waitForExport(app.http, finance, id)).status).toBe('COMPLETED');
    return (await parseCsv((await download(app.http, finance, id)).body.toString('utf8'))).slice(1);
  }

  const expected = () =>
    expectedCsvRows(
      stack.db,
      app.app.get(ExportQueryRegistry).get('LEDGER_BALANCES').columns,
      oracleSql('LEDGER_BALANCES', oracleKeys('LEDGER_BALANCES'), undefined, undefined, dialect),
    );

  it('leaves out a posting written after the export started, and the next export has it', async () => {
    const before = await expected();
    const [posting] = await stack.db.query('SELECT driver_id, medallion_no, vin, category FROM ledger_postings ORDER BY id LIMIT 1');
    afterSnapshot = async () => {
      await stack.db.query(
        `INSERT INTO ledger_postings (posting_id, posting_date, category, entry_type, amount, status, reference_type, reference_id,
           description, driver_id, medallion_no, vin, created_at)
         VALUES ('LP-LATE', '2025-06-30 12:00:00', ?, 'DEBIT', 1000.00, 'POSTED', 'ADJUSTMENT', 'LATE-1', 'Written mid-export', ?, ?, ?, '2025-06-30 12:00:00')`,
        [posting.category, posting.driver_id, posting.medallion_no, posting.vin],
      );
    };

    const during = await balancesCsv();
    expect(afterSnapshot).toBeUndefined(); // the hook ran
    expect(during).toEqual(before);

    const after = await expected();
    expect(after).not.toEqual(before);
    expect(await balancesCsv()).toEqual(after);
  });
});
