/**
 * Fills the source tables with realistic, reproducible rows and rebuilds the ledger from them.
 * Same seed on an empty database gives byte-identical tables; later runs append after the existing ids.
 */
import { performance } from 'node:perf_hooks';
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

export interface SeedSummary {
  seed: number;
  /** Rows inserted per table. The ledger tables are rebuilt, so theirs cover all source rows, not only this run's. */
  rows: Record<SeedTable, number>;
  durationMs: { sources: number; ledger: number; total: number };
}

export const DEFAULT_SEED = 1;

const SOURCES: Record<SeedType, { table: SourceTable; generate: (plan: RowPlan) => RowSource }> = {
  EZPASS: { table: 'ezpass_transactions', generate: ezpassRows },
  PVB: { table: 'pvb_violations', generate: pvbRows },
  CURB: { table: 'curb_trips', generate: curbRows },
};

export async function seedDatabase(database: DatabaseConfig, options: SeedOptions): Promise<SeedSummary> {
  const { rows, type, seed, onProgress } = validated(options);
  const report = onProgress ?? (() => undefined);
  const counts: Record<SeedTable, number> = { ezpass_transactions: 0, pvb_violations: 0, curb_trips: 0, ledger_postings: 0, ledger_balances: 0 };
  const started = performance.now();
  const target = await openSeedTarget(database);
  try {
    const fleet = new Fleet(fleetSize(rows));
    for (const key of type ? [type] : (Object.keys(SOURCES) as SeedType[])) {
      const { table, generate } = SOURCES[key];
      const plan: RowPlan = { seed, offset: await maxId(target, table), count: rows, fleet };
      await target.insertRows(generate(plan), rows, (done) => report(table, done, rows));
      counts[table] = rows;
    }
    const sourcesDone = performance.now();
    counts.ledger_postings = await rebuildPostings(target, report);
    counts.ledger_balances = await rebuildBalances(target);
    report('ledger_balances', counts.ledger_balances, counts.ledger_balances);
    const finished = performance.now();
    return {
      seed,
      rows: counts,
      durationMs: { sources: Math.round(sourcesDone - started), ledger: Math.round(finished - sourcesDone), total: Math.round(finished - started) },
    };
  } finally {
    await target.close();
  }
}

function validated(options: SeedOptions): SeedOptions & { seed: number } {
  const { rows, type, seed = DEFAULT_SEED, onProgress } = options;
  if (!Number.isSafeInteger(rows) || rows < 0) throw new RangeError(`rows must be a non-negative integer, got ${rows}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (type !== undefined && !(type in SOURCES)) throw new RangeError(`type must be one of ${Object.keys(SOURCES).join(', ')}, got ${String(type)}`);
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

function postingInsertSql(dialect: Dialect, source: LedgerSource, base: number, afterId: number, uptoId: number): string {
  const voided = source.voidedStatuses.map((status) => `'${status}'`).join(', ');
  const counter = `${sqlInt(base)} + ROW_NUMBER() OVER (ORDER BY id)`;
  // Explicit ids: InnoDB reserves auto-increment values for INSERT ... SELECT in growing blocks, leaving gaps between
  // statements. Postings are booked when the source row reached the back office (its created_at).
  return `INSERT INTO ledger_postings
      (id, posting_id, posting_date, category, entry_type, amount, status, reference_type, reference_id, description,
       driver_id, medallion_no, vin, created_at)
    SELECT ${counter}, ${postingIdSql(dialect, counter)}, created_at, '${source.category}', '${source.entryType}', ${source.amountColumn},
       CASE WHEN status IN (${voided}) THEN 'VOIDED' ELSE 'POSTED' END, '${source.referenceType}', ${source.referenceColumn},
       ${concat(dialect, source.description)}, driver_id, medallion_no, vin, created_at
    FROM ${source.table}
    WHERE driver_id IS NOT NULL AND id > ${sqlInt(afterId)} AND id <= ${sqlInt(uptoId)}
    ORDER BY id`;
}

/** Empties a derived table and restarts its ids, so a rebuild gives the same ids as a first run. */
async function resetTable(target: SeedTarget, table: 'ledger_postings' | 'ledger_balances'): Promise<void> {
  if (target.dialect === 'mysql') {
    await target.run(`TRUNCATE TABLE ${table}`);
    return;
  }
  await target.run(`DELETE FROM ${table}`);
  const [sequence] = await target.all(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'`);
  if (sequence) await target.run('DELETE FROM sqlite_sequence WHERE name = ?', [table]);
}

async function countAssigned(target: SeedTarget): Promise<number> {
  let total = 0;
  for (const source of LEDGER_SOURCES) total += await scalar(target, `SELECT COUNT(*) AS n FROM ${source.table} WHERE driver_id IS NOT NULL`);
  return total;
}

/** Derives one posting per source row that has a driver: EZPass and PVB debit the driver, CURB trips credit them. */
async function rebuildPostings(target: SeedTarget, report: NonNullable<SeedOptions['onProgress']>): Promise<number> {
  await resetTable(target, 'ledger_postings');
  const total = await countAssigned(target);
  let posted = 0;
  for (const source of LEDGER_SOURCES) {
    const lastId = await maxId(target, source.table);
    for (let afterId = 0; afterId < lastId; afterId += LEDGER_CHUNK_IDS) {
      posted += await target.run(postingInsertSql(target.dialect, source, posted, afterId, afterId + LEDGER_CHUNK_IDS));
      report('ledger_postings', posted, total);
    }
  }
  return posted;
}

function balanceInsertSql(dialect: Dialect): string {
  // SQLite keeps DECIMAL as REAL, so its sums are rounded back to cents
  const money = (expression: string) => (dialect === 'mysql' ? expression : `ROUND(${expression}, 2)`);
  return `INSERT INTO ledger_balances
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
  await resetTable(target, 'ledger_balances');
  const inserted = await target.run(balanceInsertSql(target.dialect));
  const drivers = await target.all('SELECT DISTINCT driver_id FROM ledger_balances WHERE driver_id IS NOT NULL ORDER BY driver_id');
  await target.transaction(async () => {
    for (const { driver_id: driverId } of drivers) {
      if (typeof driverId !== 'string') continue;
      const name = fleetDriverName(driverId);
      if (name !== undefined) await target.run('UPDATE ledger_balances SET driver_name = ? WHERE driver_id = ?', [name, driverId]);
    }
  });
  return inserted;
}
