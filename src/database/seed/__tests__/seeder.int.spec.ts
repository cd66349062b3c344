import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../../../config/app-config';
import { dataSourceOptions } from '../../data-source-options';
import { runMigrations } from '../../migrate';
import { seedDatabase, today } from '../seeder';

const MARIADB_SERVER = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const SOURCE_TABLES = ['ezpass_transactions', 'pvb_violations', 'curb_trips'] as const;
const FLEET_TABLES = { drivers: 'driver_id', medallions: 'medallion_no', vehicles: 'vin' } as const;
const ALL_TABLES: readonly string[] = [...Object.keys(FLEET_TABLES), ...SOURCE_TABLES, 'ledger_postings'];
const ROWS = 300;
const UNTIL = '2025-12-31';

type Row = Record<string, unknown>;

/** Where scratch databases come from, and how they are thrown away. */
interface Backend {
  kind: DatabaseConfig['kind'];
  create(label: string): DatabaseConfig;
  cleanup(): Promise<void>;
}

function sqliteBackend(): Backend {
  let dir: string | undefined;
  return {
    kind: 'sqlite',
    create: (label) => {
      dir ??= mkdtempSync(join(tmpdir(), 'seed-test-'));
      return { kind: 'sqlite', path: join(dir, `${label}.sqlite`) };
    },
    cleanup: async () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function mariadbBackend(): Backend {
  const names: string[] = [];
  const run = `seed_test_${process.pid}_${Date.now()}`;
  return {
    kind: 'mysql',
    create: (label) => {
      const name = `${run}_${label}`;
      names.push(name);
      return { kind: 'mysql', url: `${MARIADB_SERVER}/${name}`, database: name };
    },
    cleanup: async () => {
      const server = await createConnection(MARIADB_SERVER);
      try {
        for (const name of names) await server.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await server.end();
      }
    },
  };
}

async function freshDatabase(backend: Backend, label: string): Promise<DatabaseConfig> {
  const database = backend.create(label);
  await runMigrations(database);
  return database;
}

async function query(database: DatabaseConfig, sql: string): Promise<Row[]> {
  const dataSource = new DataSource(dataSourceOptions(database));
  await dataSource.initialize();
  try {
    const rows: unknown = await dataSource.query(sql);
    return Array.isArray(rows) ? rows.filter((row): row is Row => typeof row === 'object' && row !== null) : [];
  } finally {
    await dataSource.destroy();
  }
}

async function dump(database: DatabaseConfig, tables: readonly string[] = ALL_TABLES): Promise<Record<string, Row[]>> {
  const contents: Record<string, Row[]> = {};
  for (const table of tables) {
    const key = FLEET_TABLES[table as keyof typeof FLEET_TABLES] ?? 'id';
    contents[table] = await query(database, `SELECT * FROM ${table} ORDER BY ${key}`);
  }
  return contents;
}

async function count(database: DatabaseConfig, sql: string): Promise<number> {
  const [row] = await query(database, sql);
  return Number(Object.values(row ?? {})[0]);
}

/** 'YYYY-MM-DD' of a DATE/DATETIME value as either driver returns it. */
function dayOf(value: unknown): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
}

/** One posting per source row with a driver; and every fleet reference of every table resolves. */
async function expectCoherent(database: DatabaseConfig): Promise<void> {
  const withDriver = SOURCE_TABLES.map((table) => `(SELECT COUNT(*) FROM ${table} WHERE driver_id IS NOT NULL)`).join(' + ');
  expect(await count(database, 'SELECT COUNT(*) FROM ledger_postings')).toBe(await count(database, `SELECT ${withDriver}`));
  for (const table of [...SOURCE_TABLES, 'ledger_postings']) {
    for (const [reference, column] of Object.entries(FLEET_TABLES)) {
      const dangling = await count(
        database,
        `SELECT COUNT(*) FROM ${table} s LEFT JOIN ${reference} r ON r.${column} = s.${column} WHERE s.${column} IS NOT NULL AND r.${column} IS NULL`,
      );
      expect({ table, column, dangling }).toEqual({ table, column, dangling: 0 });
    }
  }
}

describe(seedDatabase.name, () => {
  describe.each([
    ['SQLite', sqliteBackend()],
    ['MariaDB', mariadbBackend()],
  ])('on %s', (_name, backend) => {
    let first: DatabaseConfig;

    beforeAll(async () => {
      first = await freshDatabase(backend, 'a');
      await seedDatabase(first, { rows: ROWS, seed: 7, until: UNTIL });
    });

    afterAll(async () => {
      await backend.cleanup();
    });

    it('writes identical table contents for the same seed on two fresh databases', async () => {
      const second = await freshDatabase(backend, 'b');
      const summary = await seedDatabase(second, { rows: ROWS, seed: 7, until: UNTIL });

      const [a, b] = [await dump(first), await dump(second)];
      expect(b).toEqual(a);
      for (const table of SOURCE_TABLES) expect(a[table]).toHaveLength(ROWS);
      expect(summary).toEqual({
        drivers: 20,
        medallions: 20,
        vehicles: 20,
        ezpass_transactions: ROWS,
        pvb_violations: ROWS,
        curb_trips: ROWS,
        ledger_postings: a.ledger_postings.length,
      });
    });

    it('writes different contents for a different seed', async () => {
      const other = await freshDatabase(backend, 'c');
      await seedDatabase(other, { rows: ROWS, seed: 8, until: UNTIL });

      const [a, c] = [await dump(first, SOURCE_TABLES), await dump(other, SOURCE_TABLES)];
      for (const table of SOURCE_TABLES) {
        expect(c[table]).toHaveLength(ROWS);
        expect(c[table]).not.toEqual(a[table]);
      }
    });

    it('derives one posting per source row with a driver, and every reference resolves to a fleet row', async () => {
      await expectCoherent(first);
      const categories = await query(
        first,
        'SELECT category, entry_type, COUNT(*) AS n FROM ledger_postings GROUP BY category, entry_type ORDER BY category',
      );
      expect(categories.map((row) => [row.category, row.entry_type])).toEqual([
        ['CURB', 'CREDIT'],
        ['EZPASS', 'DEBIT'],
        ['PVB', 'DEBIT'],
      ]);
    });

    it('reaches up to its end date, today by default, and never past it', async () => {
      const database = await freshDatabase(backend, 'f');
      const before = today();
      await seedDatabase(database, { rows: ROWS, seed: 7 });
      const days = [before, today()];
      const [latest] = await query(
        database,
        `SELECT (SELECT MAX(posting_date) FROM ezpass_transactions) AS posted, (SELECT MAX(end_time) FROM curb_trips) AS ended,
           (SELECT MAX(created_at) FROM pvb_violations) AS imported, (SELECT MAX(posting_date) FROM ledger_postings) AS booked`,
      );
      expect(days).toContain(dayOf(latest.posted));
      for (const value of [latest.ended, latest.imported, latest.booked]) expect(dayOf(value) <= days[1]).toBe(true);

      const [ended] = await query(
        first,
        `SELECT (SELECT MAX(posting_date) FROM ezpass_transactions) AS posted, (SELECT MAX(created_at) FROM ezpass_transactions) AS imported,
           (SELECT MAX(created_at) FROM curb_trips) AS uploaded, (SELECT MAX(created_at) FROM pvb_violations) AS ticketed`,
      );
      expect(dayOf(ended.posted)).toBe(UNTIL);
      for (const value of [ended.imported, ended.uploaded, ended.ticketed]) expect(dayOf(value) <= UNTIL).toBe(true);
    });

    it('with type EZPASS fills only ezpass_transactions and the ledger derived from it', async () => {
      const database = await freshDatabase(backend, 'd');
      const progress: [string, number, number][] = [];
      const summary = await seedDatabase(database, {
        rows: ROWS,
        type: 'EZPASS',
        seed: 7,
        until: UNTIL,
        onProgress: (...event) => progress.push(event),
      });

      expect(await count(database, 'SELECT COUNT(*) FROM ezpass_transactions')).toBe(ROWS);
      expect(await count(database, 'SELECT COUNT(*) FROM pvb_violations')).toBe(0);
      expect(await count(database, 'SELECT COUNT(*) FROM curb_trips')).toBe(0);
      expect(await count(database, "SELECT COUNT(*) FROM ledger_postings WHERE category <> 'EZPASS'")).toBe(0);
      expect(summary).toMatchObject({ drivers: 20, ezpass_transactions: ROWS });
      expect(Object.keys(summary)).not.toContain('pvb_violations');
      expect(progress).toContainEqual(['ezpass_transactions', ROWS, ROWS]);
      await expectCoherent(database);
      // the EZPass stream does not depend on which other tables were seeded
      expect((await dump(database, ['ezpass_transactions'])).ezpass_transactions).toEqual(
        (await dump(first, ['ezpass_transactions'])).ezpass_transactions,
      );
    });

    it('appends after existing rows with new business ids and rebuilds a coherent ledger', async () => {
      const database = await freshDatabase(backend, 'e');
      await seedDatabase(database, { rows: ROWS, seed: 7, until: UNTIL });
      await seedDatabase(database, { rows: ROWS * 40, type: 'PVB', seed: 7, until: UNTIL });

      expect(await count(database, 'SELECT COUNT(*) FROM pvb_violations')).toBe(41 * ROWS);
      expect(await count(database, 'SELECT COUNT(DISTINCT summons_number) FROM pvb_violations')).toBe(41 * ROWS);
      // the larger run's fleet grew, keeping the first drivers as they were
      expect(await count(database, 'SELECT COUNT(*) FROM drivers')).toBe(24);
      expect(await count(database, 'SELECT COUNT(*) FROM ezpass_transactions')).toBe(ROWS);
      await expectCoherent(database);
      const appended = await query(database, `SELECT issue_date, fine_amount FROM pvb_violations WHERE id > ${ROWS} ORDER BY id`);
      const original = await query(database, `SELECT issue_date, fine_amount FROM pvb_violations WHERE id <= ${ROWS} ORDER BY id`);
      expect(appended).not.toEqual(original);
    });

    it('produces plausible rows', async () => {
      const { ezpass_transactions: tolls, drivers } = await dump(first, ['ezpass_transactions', 'drivers']);

      const unassigned = tolls.filter((row) => row.driver_id === null).length;
      expect(unassigned).toBeGreaterThan(0);
      expect(unassigned).toBeLessThan(ROWS * 0.12);
      expect(tolls.some((row) => row.exit_plaza === null)).toBe(true);
      for (const row of tolls) {
        const lag = (Date.parse(dayOf(row.posting_date)) - Date.parse(dayOf(row.transaction_date))) / 86_400_000;
        expect(lag).toBeGreaterThanOrEqual(1);
        expect(lag).toBeLessThanOrEqual(5);
        expect(dayOf(row.transaction_date) >= '2023-01-01' && dayOf(row.transaction_date) < UNTIL).toBe(true);
        expect(String(row.transaction_id)).toMatch(/^EZ\d{10}$/);
        if (row.vin !== null) expect(String(row.vin)).toMatch(/^[A-HJ-NPR-Z0-9]{17}$/);
        if (backend.kind === 'mysql') expect(String(row.amount)).toMatch(/^\d+\.\d{2}$/);
      }

      // a driver always drives the same cab
      const cabs = new Map<unknown, string>();
      for (const row of tolls.filter((toll) => toll.driver_id !== null)) {
        const cab = `${String(row.medallion_no)}/${String(row.vin)}`;
        expect(cabs.get(row.driver_id) ?? cab).toBe(cab);
        cabs.set(row.driver_id, cab);
      }
      expect(drivers.map((row) => `${String(row.first_name)} ${String(row.last_name)}`)).toEqual(
        expect.arrayContaining(['José Núñez', 'Zoë Łukasz', 'Mehmet Öztürk']),
      );
      expect(drivers.every((row) => typeof row.first_name === 'string' && typeof row.last_name === 'string')).toBe(true);
    });
  });
});
