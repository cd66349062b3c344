import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../../src/config/app-config';
import { allMigrations, dataSourceOptions } from '../../src/database/data-source-options';
import { runMigrations } from '../../src/database/migrate';
import { createMariaDb, createTempDir } from '../support/test-env';

const SOURCE_TABLES = ['ezpass_transactions', 'pvb_violations', 'curb_trips', 'ledger_postings'];
const FLEET_TABLES = ['drivers', 'medallions', 'vehicles'];
const ENGINE_TABLES = ['export_jobs', 'export_events', 'export_workers', 'export_notifications', 'export_schedules', 'export_owner_locks'];
/** The last migration of the schema before the fleet tables: a database at this point is "old". */
const OLD_SCHEMA_UNTIL = 1764900000000;

async function withDataSource<T>(options: ConstructorParameters<typeof DataSource>[0], work: (db: DataSource) => Promise<T>): Promise<T> {
  const db = new DataSource(options);
  await db.initialize();
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

async function tableNames(database: DatabaseConfig): Promise<string[]> {
  const sql =
    database.kind === 'mysql'
      ? 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()'
      : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
  return withDataSource(dataSourceOptions(database), async (db) =>
    (await db.query<{ name: string }[]>(sql)).map((row) => row.name).filter((name) => name !== 'migrations'),
  );
}

/** Rows as the first release stored them: fleet references as plain columns, and a stored balances table. */
const OLD_ROWS: Record<string, Record<string, string | number | null>[]> = {
  ezpass_transactions: [1, 2, 3].map((n) => ({
    transaction_id: `EZ${n}`,
    transaction_date: `2024-01-0${n} 10:00:00`,
    posting_date: `2024-01-0${n + 1}`,
    plate_number: 'T100001C',
    plate_state: 'NY',
    tag_number: '00412345678',
    agency: 'PANYNJ',
    entry_plaza: 'LINCOLN TUNNEL',
    exit_plaza: null,
    vehicle_class: '1',
    amount: '16.06',
    status: 'POSTED_TO_LEDGER',
    driver_id: n === 3 ? null : `D00000${n}`,
    medallion_no: n === 3 ? null : `${n}A01`,
    vin: n === 3 ? null : `VIN0000000000000${n}`,
    created_at: '2024-01-05 12:00:00',
  })),
  pvb_violations: [
    {
      summons_number: '1000000001',
      plate_number: 'T100001C',
      plate_state: 'NY',
      violation_code: '14',
      violation_description: 'NO STANDING',
      issue_date: '2024-02-01 09:00:00',
      posting_date: null,
      county: 'MANHATTAN',
      street_name: 'BROADWAY',
      fine_amount: '115.00',
      penalty_amount: '0.00',
      amount_due: '115.00',
      status: 'OPEN',
      // a driver and cab found only here
      driver_id: 'D000009',
      medallion_no: '9Z99',
      vin: 'VIN00000000000009',
      created_at: '2024-02-02 09:00:00',
    },
  ],
  curb_trips: [
    {
      trip_id: 'CT1',
      start_time: '2024-03-01 08:00:00',
      end_time: '2024-03-01 08:20:00',
      pickup_borough: 'MANHATTAN',
      dropoff_borough: 'QUEENS',
      distance_miles: '7.10',
      fare_amount: '30.00',
      tip_amount: '6.00',
      tolls_amount: '6.94',
      total_amount: '42.94',
      payment_type: 'CREDIT',
      status: 'COMPLETED',
      driver_id: 'D000001',
      medallion_no: '1A01',
      vin: 'VIN00000000000001',
      created_at: '2024-03-01 08:25:00',
    },
  ],
  ledger_postings: [
    {
      posting_id: 'LP0000000001',
      posting_date: '2024-01-05 12:00:00',
      category: 'EZPASS',
      entry_type: 'DEBIT',
      amount: '16.06',
      status: 'POSTED',
      reference_type: 'EZPASS_TRANSACTION',
      reference_id: 'EZ1',
      description: 'EZPass toll LINCOLN TUNNEL (PANYNJ)',
      driver_id: 'D000001',
      medallion_no: '1A01',
      vin: 'VIN00000000000001',
      created_at: '2024-01-05 12:00:00',
    },
  ],
  ledger_balances: [
    {
      driver_id: 'D000001',
      driver_name: 'Nguyễn Văn Minh',
      medallion_no: '1A01',
      vin: 'VIN00000000000001',
      category: 'EZPASS',
      total_debits: '16.06',
      total_credits: '0.00',
      balance: '16.06',
      posting_count: 1,
      first_posting_date: '2024-01-05 12:00:00',
      last_posting_date: '2024-01-05 12:00:00',
      updated_at: '2024-01-05 12:00:00',
    },
  ],
};

describe(runMigrations.name, () => {
  describe.each([
    [
      'SQLite',
      async () => ({
        database: { kind: 'sqlite', path: `${createTempDir().path}/nested/db.sqlite` } as DatabaseConfig,
        drop: async () => undefined,
      }),
    ],
    [
      'MariaDB',
      async () => {
        const scratch = await createMariaDb('mig');
        return { database: { kind: 'mysql', url: scratch.url, database: scratch.name } as DatabaseConfig, drop: () => scratch.drop() };
      },
    ],
  ])('on %s', (_name, scratch) => {
    it('creates every table (a missing MariaDB database too), and a second run applies nothing', async () => {
      const { database, drop } = await scratch();
      await drop(); // runMigrations creates the MariaDB database itself
      try {
        expect(await runMigrations(database)).toEqual(allMigrations().map((migration) => migration.name));
        expect(await runMigrations(database)).toEqual([]);
        expect((await tableNames(database)).sort()).toEqual([...ENGINE_TABLES, ...FLEET_TABLES, ...SOURCE_TABLES].sort());
      } finally {
        await drop();
      }
    });

    it('takes an old-schema database with rows to the fleet schema: every row kept, every reference resolved', async () => {
      const { database, drop } = await scratch();
      try {
        const old = allMigrations().filter((migration) => Number(migration.name.slice(-13)) <= OLD_SCHEMA_UNTIL);
        const before = await withDataSource({ ...dataSourceOptions(database), migrations: old }, async (db) => {
          await db.runMigrations({ transaction: 'each' });
          for (const [table, rows] of Object.entries(OLD_ROWS)) await db.createQueryBuilder().insert().into(table).values(rows).execute();
          return Object.fromEntries(
            await Promise.all(SOURCE_TABLES.map(async (t) => [t, await db.query(`SELECT * FROM ${t} ORDER BY id`)])),
          );
        });

        const applied = await runMigrations(database);
        expect(applied).toEqual(expect.arrayContaining(['FleetSchema1765100000000', 'LedgerBalancesComputed1765100000004']));

        await withDataSource(dataSourceOptions(database), async (db) => {
          for (const table of SOURCE_TABLES)
            expect({ table, rows: await db.query(`SELECT * FROM ${table} ORDER BY id`) }).toEqual({ table, rows: before[table] });
          for (const [column, reference] of [
            ['driver_id', 'drivers'],
            ['medallion_no', 'medallions'],
            ['vin', 'vehicles'],
          ]) {
            const present = new Set(
              SOURCE_TABLES.flatMap((t) => (before[t] as Record<string, unknown>[]).map((row) => row[column]).filter((v) => v !== null)),
            );
            const referenced: Record<string, unknown>[] = await db.query(`SELECT ${column} AS k FROM ${reference} ORDER BY ${column}`);
            expect(referenced.map((row) => row.k)).toEqual([...present].sort());
            for (const table of SOURCE_TABLES) {
              const [{ n }] = await db.query(
                `SELECT COUNT(*) AS n FROM ${table} s LEFT JOIN ${reference} r ON r.${column} = s.${column} WHERE s.${column} IS NOT NULL AND r.${column} IS NULL`,
              );
              expect({ table, column, dangling: Number(n) }).toEqual({ table, column, dangling: 0 });
            }
          }
          // the stored balances' driver names are the only copy of them: they move to drivers
          expect(await db.query("SELECT first_name, last_name FROM drivers WHERE driver_id = 'D000001'")).toEqual([
            { first_name: 'Nguyễn', last_name: 'Văn Minh' },
          ]);
          expect((await tableNames(database)).includes('ledger_balances')).toBe(false);
          // and the references are constraints now
          await expect(db.query("UPDATE ezpass_transactions SET driver_id = 'D999999' WHERE transaction_id = 'EZ1'")).rejects.toThrow(
            /foreign key/i,
          );
        });
      } finally {
        await drop();
      }
    });
  });
});
