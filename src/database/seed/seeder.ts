/**
 * Fills the source tables with realistic, reproducible rows and rebuilds the ledger from them.
 * Same seed on an empty database gives byte-identical tables; later runs append after the existing ids.
 */
import type { DatabaseConfig } from '../../config/app-config';
import { fleetDriverName, fleetSize } from './seed-data';
import { Fleet, curbRows, ezpassRows, pvbRows } from './seed-rows';
import type { RowPlan, RowSource, SourceTable } from './seed-rows';
import { openSeedTarget } from './seed-target';
import type { Dialect, SeedTarget } from './seed-target';

export type SeedType = 'EZPASS' | 'PVB' | 'CURB';
export type SeedTable = SourceTable | 'ledger_postings' | 'ledger_balances';

export interface SeedOptions {
  /** Rows to add to each source table. */
  rows: number;
  /** Only fill this type's table (the ledger is still rebuilt from every source table). */
  type?: SeedType;
  seed?: number;
  onProgress?: (table: SeedTable, done: number, total: number) => void;
}

/** Rows inserted per table. The ledger tables are rebuilt, so theirs cover all source rows, not only this run's. */
export type SeedSummary = Record<SeedTable, number>;

export const DEFAULT_SEED = 1;

const SOURCES: Record<SeedType, { table: SourceTable; generate: (plan: RowPlan) => RowSource }> = {
  EZPASS: { table: 'ezpass_transactions', generate: ezpassRows },
  PVB: { table: 'pvb_violations', generate: pvbRows },
  CURB: { table: 'curb_trips', generate: curbRows },
};

export async function seedDatabase(database: DatabaseConfig, options: SeedOptions): Promise<SeedSummary> {
  const { rows, type, seed, onProgress } = validated(options);
  const report = onProgress ?? (() => undefined);
  const summary: SeedSummary = { ezpass_transactions: 0, pvb_violations: 0, curb_trips: 0, ledger_postings: 0, ledger_balances: 0 };
  const target = await openSeedTarget(database);
  try {
    const fleet = new Fleet(fleetSize(rows));
    for (const key of type ? [type] : (Object.keys(SOURCES) as SeedType[])) {
      const { table, generate } = SOURCES[key];
      const plan: RowPlan = { seed, offset: await maxId(target, table), count: rows, fleet };
      await target.fillTable(table, 'append', (into) => target.insertRows(generate(plan), into, rows, (done) => report(table, done, rows)));
      summary[table] = rows;
    }
    summary.ledger_postings = await rebuildPostings(target, report);
    summary.ledger_balances = await rebuildBalances(target);
    report('ledger_balances', summary.ledger_balances, summary.ledger_balances);
    return summary;
  } finally {
    await target.close();
  }
}

function validated(options: SeedOptions): SeedOptions & { seed: number } {
  const { rows, type, seed = DEFAULT_SEED, onProgress } = options;
  if (!Number.isSafeInteger(rows) || rows < 0) throw new RangeError(`rows must be a non-negative integer, got ${rows}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (type !== undefined && !(type in SOURCES))
    throw new RangeError(`type must be one of ${Object.keys(SOURCES).join(', ')}, got ${String(type)}`);
  return { rows, type, seed, onProgress };
}

async function scalar(target: SeedTarget, sql: string): Promise<number> {
  const [row] = await target.all(sql);
  const value = row === undefined ? undefined : Object.values(row)[0];
  return value === null || value === undefined ? 0 : Number(value);
}

/** Business ids continue after the highest existing id, so appended runs never collide. */
function maxId(target: SeedTarget, table: string): Promise<number> {
  return scalar(target, `SELECT MAX(id) AS max_id FROM ${table}`);
}

/** Integers are interpolated only after this check; row data always goes through placeholders. */
function sqlInt(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
  return String(value);
}

// ---------------------------------------------------------------- ledger

interface LedgerSource {
  table: SourceTable;
  category: 'EZPASS' | 'PVB' | 'CURB';
  entryType: 'DEBIT' | 'CREDIT';
  referenceType: string;
  referenceColumn: string;
  amountColumn: string;
  /** Source statuses that cancel the charge; their postings are kept but VOIDED. */
  voidedStatuses: readonly string[];
  /** SQL expressions concatenated into the human-readable description. */
  description: readonly string[];
}

const LEDGER_SOURCES: readonly LedgerSource[] = [
  {
    table: 'ezpass_transactions',
    category: 'EZPASS',
    entryType: 'DEBIT',
    referenceType: 'EZPASS_TRANSACTION',
    referenceColumn: 'transaction_id',
    amountColumn: 'amount',
    voidedStatuses: ['VOIDED'],
    description: ["'EZPass toll '", 'entry_plaza', "' ('", 'agency', "')'"],
  },
  {
    table: 'pvb_violations',
    category: 'PVB',
    entryType: 'DEBIT',
    referenceType: 'PVB_VIOLATION',
    referenceColumn: 'summons_number',
    amountColumn: 'amount_due',
    voidedStatuses: ['DISMISSED'],
    description: ["'PVB summons '", 'summons_number', "': '", 'violation_description', "' ('", 'county', "')'"],
  },
  {
    table: 'curb_trips',
    category: 'CURB',
    entryType: 'CREDIT',
    referenceType: 'CURB_TRIP',
    referenceColumn: 'trip_id',
    amountColumn: 'total_amount',
    voidedStatuses: ['VOIDED', 'REFUNDED'],
    description: ["'CURB trip '", 'trip_id', "' '", 'pickup_borough', "' to '", 'dropoff_borough', "' ('", 'payment_type', "')'"],
  },
];

/** Source ids per INSERT ... SELECT, so no single statement builds a huge undo log. */
const LEDGER_CHUNK_IDS = 250_000;

function concat(dialect: Dialect, parts: readonly string[]): string {
  return dialect === 'mysql' ? `CONCAT(${parts.join(', ')})` : `(${parts.join(' || ')})`;
}

function postingIdSql(dialect: Dialect, counter: string): string {
  return dialect === 'mysql' ? `CONCAT('LP', LPAD(${counter}, 10, '0'))` : `printf('LP%010d', ${counter})`;
}

function postingInsertSql(dialect: Dialect, into: string, source: LedgerSource, base: number, afterId: number, uptoId: number): string {
  const voided = source.voidedStatuses.map((status) => `'${status}'`).join(', ');
  const counter = `${sqlInt(base)} + id`;
  // Posting number = source id shifted past the earlier sources' ids: deterministic and ordered without a ROW_NUMBER()
  // pass (rows without a driver leave gaps). Postings are booked when the source row reached the back office.
  return `INSERT INTO ${into}
      (id, posting_id, posting_date, category, entry_type, amount, status, reference_type, reference_id, description,
       driver_id, medallion_no, vin, created_at)
    SELECT ${counter}, ${postingIdSql(dialect, counter)}, created_at, '${source.category}', '${source.entryType}', ${source.amountColumn},
       CASE WHEN status IN (${voided}) THEN 'VOIDED' ELSE 'POSTED' END, '${source.referenceType}', ${source.referenceColumn},
       ${concat(dialect, source.description)}, driver_id, medallion_no, vin, created_at
    FROM ${source.table}
    WHERE driver_id IS NOT NULL AND id > ${sqlInt(afterId)} AND id <= ${sqlInt(uptoId)}
    ORDER BY id`;
}

async function countAssigned(target: SeedTarget): Promise<number> {
  let total = 0;
  for (const source of LEDGER_SOURCES)
    total += await scalar(target, `SELECT COUNT(*) AS n FROM ${source.table} WHERE driver_id IS NOT NULL`);
  return total;
}

/** Derives one posting per source row that has a driver: EZPass and PVB debit the driver, CURB trips credit them. */
async function rebuildPostings(target: SeedTarget, report: NonNullable<SeedOptions['onProgress']>): Promise<number> {
  const total = await countAssigned(target);
  let posted = 0;
  let base = 0;
  await target.fillTable('ledger_postings', 'replace', async (into) => {
    for (const source of LEDGER_SOURCES) {
      const lastId = await maxId(target, source.table);
      for (let afterId = 0; afterId < lastId; afterId += LEDGER_CHUNK_IDS) {
        posted += await target.run(postingInsertSql(target.dialect, into, source, base, afterId, afterId + LEDGER_CHUNK_IDS));
        report('ledger_postings', posted, total);
      }
      base += lastId;
    }
  });
  return posted;
}

function balanceInsertSql(dialect: Dialect, into: string): string {
  // SQLite keeps DECIMAL as REAL, so its sums are rounded back to cents
  const money = (expression: string) => (dialect === 'mysql' ? expression : `ROUND(${expression}, 2)`);
  return `INSERT INTO ${into}
      (driver_id, driver_name, medallion_no, vin, category, total_debits, total_credits, balance, posting_count,
       first_posting_date, last_posting_date, updated_at)
    SELECT driver_id, NULL, medallion_no, vin, category,
       ${money(`SUM(CASE WHEN entry_type = 'DEBIT' THEN amount ELSE 0 END)`)},
       ${money(`SUM(CASE WHEN entry_type = 'CREDIT' THEN amount ELSE 0 END)`)},
       ${money(`SUM(CASE WHEN entry_type = 'DEBIT' THEN amount ELSE 0 END) - SUM(CASE WHEN entry_type = 'CREDIT' THEN amount ELSE 0 END)`)},
       COUNT(*), MIN(posting_date), MAX(posting_date), MAX(posting_date)
    FROM ledger_postings
    GROUP BY driver_id, medallion_no, vin, category
    ORDER BY driver_id, medallion_no, vin, category`;
}

/** One balance row per (driver, medallion, vin, category), named from the deterministic fleet. */
async function rebuildBalances(target: SeedTarget): Promise<number> {
  let inserted = 0;
  await target.fillTable('ledger_balances', 'replace', async (into) => {
    inserted = await target.run(balanceInsertSql(target.dialect, into));
    await nameDrivers(target, into);
  });
  return inserted;
}

const NAMES_PER_INSERT = 500;

/** Fills driver_name through a temporary lookup, since names live in the generator and not in any table. */
async function nameDrivers(target: SeedTarget, table: string): Promise<void> {
  const rows = await target.all(`SELECT DISTINCT driver_id FROM ${table} WHERE driver_id IS NOT NULL ORDER BY driver_id`);
  const names: [string, string][] = [];
  for (const { driver_id: driverId } of rows) {
    if (typeof driverId !== 'string') continue;
    const name = fleetDriverName(driverId);
    if (name !== undefined) names.push([driverId, name]);
  }
  if (names.length === 0) return;
  // copying the real columns keeps their character set and collation, so the lookup compares cleanly
  await target.run('CREATE TEMPORARY TABLE seed_driver_names AS SELECT driver_id, driver_name FROM ledger_balances WHERE 1 = 0');
  try {
    await target.run('CREATE INDEX seed_driver_names_driver_id ON seed_driver_names (driver_id)');
    for (let i = 0; i < names.length; i += NAMES_PER_INSERT) {
      const chunk = names.slice(i, i + NAMES_PER_INSERT);
      await target.run(
        `INSERT INTO seed_driver_names (driver_id, driver_name) VALUES ${chunk.map(() => '(?, ?)').join(', ')}`,
        chunk.flat(),
      );
    }
    await target.run(
      `UPDATE ${table} SET driver_name = (SELECT n.driver_name FROM seed_driver_names n WHERE n.driver_id = ${table}.driver_id)
       WHERE driver_id IS NOT NULL`,
    );
  } finally {
    await target.run(target.dialect === 'mysql' ? 'DROP TEMPORARY TABLE seed_driver_names' : 'DROP TABLE temp.seed_driver_names');
  }
}
