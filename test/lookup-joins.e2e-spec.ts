import { FleetBinaryKeys1766000000000 } from '../src/fleet/migrations/1766000000000-fleet-binary-keys';
import { ExportQueryPlanner } from '../src/exports/query/export-query.planner';
import type { ExportQueryPlan } from '../src/exports/query/export-query.planner';
import { ExportQueryRegistry } from '../src/exports/query/export-query.registry';
import { RowSourceFactory } from '../src/exports/rows/row-source';
import { ezpassRows, insertRows } from './support/factories';
import type { Row } from './support/factories';
import { createTestStack, startTestApp } from './support/test-app';
import type { TestApp, TestStack } from './support/test-app';

/** Keys a JavaScript Map and a collation can disagree on: trailing spaces, case, accents. */
const DRIVER = 'DLOOK01';
const KEYS = [DRIVER, `${DRIVER} `, `${DRIVER}  `, 'dlook01', 'DLÕOK01', null];

describe('Joined tables read once and looked up per row, exactly as the join (MariaDB)', () => {
  let stack: TestStack;
  let app: TestApp;
  let plan: ExportQueryPlan;

  beforeAll(async () => {
    stack = await createTestStack({ database: 'mariadb', redis: false, env: { EXPORT_READ_BATCH_ROWS: '100' } });
    await insertRows(stack.db, 'ezpass_transactions', ezpassRows(200));
    await stack.db.query("INSERT INTO drivers (driver_id, first_name, last_name) VALUES (?, 'Lou', 'Kup')", [DRIVER]);
    // Keys no driver has byte for byte; under a binary collation some match no driver at all, which
    // only a row written without the foreign key check can hold.
    const tricky: Row[] = ezpassRows(KEYS.length * 4, 9).map((row) => ({ ...row, driver_id: null, medallion_no: null, vin: null }));
    await insertRows(stack.db, 'ezpass_transactions', tricky);
    const runner = stack.db.createQueryRunner();
    try {
      await runner.query('SET FOREIGN_KEY_CHECKS = 0');
      for (const [index, row] of tricky.entries()) {
        await runner.query('UPDATE ezpass_transactions SET driver_id = ? WHERE transaction_id = ?', [
          KEYS[index % KEYS.length],
          row.transaction_id,
        ]);
      }
    } finally {
      await runner.release();
    }
    app = await startTestApp(stack, 'api');
    const provider = app.app.get(ExportQueryRegistry).get('EZPASS');
    plan = app.app.get(ExportQueryPlanner).plan(
      provider,
      {},
      provider.columns.filter((column) => !column.optional),
    );
  });

  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
  });

  /** Every row the plan reads, and whether the joined tables were looked up. */
  async function read(from: ExportQueryPlan): Promise<{ rows: unknown[][]; lookedUp: boolean }> {
    const source = await app.app.get(RowSourceFactory).open(from);
    const rows: unknown[][] = [];
    try {
      await source.count();
      for await (const batch of source.batches()) rows.push(...batch);
    } finally {
      await source.close();
    }
    return { rows, lookedUp: (source as unknown as { lookedUp: boolean }).lookedUp };
  }

  /** The same rows as SQL's join gives them: the plan without its lookups. */
  const joined = () => read({ ...plan, lookups: undefined });

  const driverNames = (rows: unknown[][]) => {
    const [id, driverId, driverName] = ['id', 'driver_id', 'driver_name'].map((key) =>
      plan.columns.findIndex((column) => column.key === key),
    );
    return rows.filter((row) => KEYS.includes(row[driverId] as string)).map((row) => [row[id], row[driverId], row[driverName]]);
  };

  it('plans driver_name as a lookup, and only the lookup reads leave drivers out', () => {
    expect(plan.select.sql).toContain('JOIN `drivers`');
    expect(plan.lookups?.select.sql).not.toContain('JOIN');
    expect(plan.lookups?.tables.map((table) => table.lookup.table)).toEqual(['drivers']);
  });

  it('with binary keys: looks drivers up, and every row equals the join’s, trailing spaces included', async () => {
    const [looked, expected] = [await read(plan), await joined()];
    expect(looked.lookedUp).toBe(true);
    expect(expected.lookedUp).toBe(false);
    expect(looked.rows).toEqual(expected.rows);
    expect(looked.rows).toHaveLength(200 + KEYS.length * 4);
    // PAD SPACE: 'DLOOK01 ' is the driver; the other case and the accent are nobody under utf8mb4_bin
    const names = new Map(driverNames(looked.rows).map(([, key, name]) => [key, name]));
    expect(Object.fromEntries(names)).toEqual({
      [DRIVER]: 'Lou Kup',
      [`${DRIVER} `]: 'Lou Kup',
      [`${DRIVER}  `]: 'Lou Kup',
      null: null,
      dlook01: null,
      DLÕOK01: null,
    });
  });

  it('with keys the server compares case- and accent-insensitively: keeps the join, whose rows a Map could not give', async () => {
    const migration = new FleetBinaryKeys1766000000000();
    const runner = stack.db.createQueryRunner();
    try {
      await migration.down(runner);
      const [kept, expected] = [await read(plan), await joined()];
      expect(kept.lookedUp).toBe(false);
      expect(kept.rows).toEqual(expected.rows);
      const names = new Map(driverNames(kept.rows).map(([, key, name]) => [key, name]));
      expect(names.get('dlook01')).toBe('Lou Kup');
      expect(names.get('DLÕOK01')).toBe('Lou Kup');
    } finally {
      await migration.up(runner);
      await runner.release();
    }
  });
});
