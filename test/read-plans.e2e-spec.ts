import { seedDatabase } from '../src/database/seed/seeder';
import { ExportQueryPlanner } from '../src/exports/query/export-query.planner';
import type { ExportQueryPlan, RowReads, SqlStatement } from '../src/exports/query/export-query.planner';
import { ExportQueryRegistry } from '../src/exports/query/export-query.registry';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';

/** Enough rows for the optimizer to weigh a sort against reading an index, as it does on a real table. */
const ROWS = 20_000;

describe('Every registered type’s default export is read in index order, never sorted first', () => {
  describe('on MariaDB (EXPLAIN)', () => {
    let stack: TestStack;
    let app: TestApp;

    beforeAll(async () => {
      // a batch is a twentieth of the table, as 10,000 rows are of a 200,000-row one
      stack = await createTestStack({ database: 'mariadb', redis: false, env: { EXPORT_READ_BATCH_ROWS: '1000' } });
      await seedDatabase(stack.config.database, { rows: ROWS, seed: 2, until: '2025-12-31' });
      await stack.db.query('ANALYZE TABLE ezpass_transactions, pvb_violations, curb_trips, ledger_postings, drivers, medallions, vehicles');
      app = await startTestApp(stack, 'api');
    });

    afterAll(async () => {
      await app?.close();
      await stack?.teardown();
    });

    /**
     * The statements a MySQL row source runs for the plan: its keyset batches (the first and a later
     * one), or its one select; and the same of its lookup reads.
     */
    async function statementsOf(plan: ExportQueryPlan): Promise<SqlStatement[]> {
      return [...(await readsOf(plan, plan)), ...(plan.lookups ? await readsOf(plan, plan.lookups) : [])];
    }

    async function readsOf(plan: ExportQueryPlan, reads: RowReads): Promise<SqlStatement[]> {
      if (!reads.keyset) return [reads.select];
      const [{ lowest }] = await stack.db.query(plan.count.sql, plan.count.params);
      const first = reads.keyset.first(lowest);
      const rows: Record<string, unknown>[] = await stack.db.query(first.sql, first.params);
      const last = rows[rows.length - 1];
      const keys = Object.keys(last).slice(-reads.keyset.keys);
      expect(rows.length).toBe(reads.keyset.size);
      return [first, reads.keyset.after(keys.map((key) => last[key]))];
    }

    it('has at least the five types to check', () => {
      expect(app.app.get(ExportQueryRegistry).all().length).toBeGreaterThanOrEqual(5);
    });

    it.each(['EZPASS', 'PVB', 'CURB', 'LEDGER_POSTINGS', 'LEDGER_BALANCES'])('%s: no filesort and no temporary table', async (type) => {
      const provider = app.app.get(ExportQueryRegistry).get(type);
      const plan = app.app.get(ExportQueryPlanner).plan(
        provider,
        {},
        provider.columns.filter((column) => !column.optional),
      );
      for (const statement of await statementsOf(plan)) {
        const steps: { table: string; Extra: string | null }[] = await stack.db.query(`EXPLAIN ${statement.sql}`, statement.params);
        expect(steps.map((step) => `${step.table}: ${step.Extra ?? ''}`).filter((step) => /filesort|temporary/i.test(step))).toEqual([]);
      }
    });
  });

  describe('on SQLite (EXPLAIN QUERY PLAN)', () => {
    let stack: TestStack;
    let app: TestApp;

    beforeAll(async () => {
      stack = await createTestStack({ database: 'sqlite', redis: false });
      await seedDatabase(stack.config.database, { rows: 2_000, seed: 2, until: '2025-12-31' });
      await stack.db.query('ANALYZE');
      app = await startTestApp(stack, 'all');
    });

    afterAll(async () => {
      await app?.close();
      await stack?.teardown();
    });

    it.each(['EZPASS', 'PVB', 'CURB', 'LEDGER_POSTINGS', 'LEDGER_BALANCES'])('%s: no temporary b-tree for the order', async (type) => {
      const provider = app.app.get(ExportQueryRegistry).get(type);
      const plan = app.app.get(ExportQueryPlanner).plan(
        provider,
        {},
        provider.columns.filter((column) => !column.optional),
      );
      const steps: { detail: string }[] = await stack.db.query(`EXPLAIN QUERY PLAN ${plan.select.sql}`, plan.select.params);
      expect(steps.map((step) => step.detail).filter((detail) => /TEMP B-TREE/.test(detail))).toEqual([]);
    });
  });
});
