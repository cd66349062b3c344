import { DataSource } from 'typeorm';
import { dataSourceOptions, MIGRATIONS } from '../../src/database/data-source-options';
import { runMigrations } from '../../src/database/migrate';
import type { DatabaseConfig } from '../../src/config/app-config';
import { createMariaDb, createTempDir } from '../support/test-env';

const TABLES = ['export_jobs', 'ezpass_transactions', 'pvb_violations', 'curb_trips', 'ledger_postings', 'ledger_balances'];
const OPS_TABLES = ['export_events', 'export_workers'];

async function columnsOf(database: DatabaseConfig, table: string): Promise<string[]> {
  const db = new DataSource(dataSourceOptions(database));
  await db.initialize();
  try {
    const runner = db.createQueryRunner();
    const found = await runner.getTable(table);
    await runner.release();
    return found?.columns.map((column) => column.name) ?? [];
  } finally {
    await db.destroy();
  }
}

describe(runMigrations.name, () => {
  it('creates every table on SQLite, and a second run applies nothing', async () => {
    const dir = createTempDir();
    const database: DatabaseConfig = { kind: 'sqlite', path: `${dir.path}/nested/db.sqlite` };
    try {
      expect(await runMigrations(database)).toEqual(MIGRATIONS.map((migration) => migration.name));
      expect(await runMigrations(database)).toEqual([]);
      for (const table of TABLES) expect((await columnsOf(database, table)).length).toBeGreaterThanOrEqual(12);
      for (const table of OPS_TABLES) expect((await columnsOf(database, table)).length).toBeGreaterThanOrEqual(6);
      expect(await columnsOf(database, 'curb_trips')).toEqual(
        expect.arrayContaining(['start_time', 'total_amount', 'driver_id', 'medallion_no', 'vin']),
      );
    } finally {
      dir.remove();
    }
  });

  it('creates a missing MariaDB database and every table, idempotently', async () => {
    const scratch = await createMariaDb('mig');
    await scratch.drop();
    const database: DatabaseConfig = { kind: 'mysql', url: scratch.url, database: scratch.name };
    try {
      expect(await runMigrations(database)).toEqual(MIGRATIONS.map((migration) => migration.name));
      expect(await runMigrations(database)).toEqual([]);
      for (const table of TABLES) expect((await columnsOf(database, table)).length).toBeGreaterThanOrEqual(12);
      for (const table of OPS_TABLES) expect((await columnsOf(database, table)).length).toBeGreaterThanOrEqual(6);
      expect(await columnsOf(database, 'pvb_violations')).toEqual(
        expect.arrayContaining(['summons_number', 'issue_date', 'amount_due', 'violation_code', 'county']),
      );
    } finally {
      await scratch.drop();
    }
  });
});
