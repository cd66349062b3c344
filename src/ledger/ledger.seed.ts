/**
 * Ledger demo data, derived rather than generated: one posting per source row that has a driver
 * (EZPass tolls and PVB summonses debit the driver, CURB trips credit them), rebuilt on every seed.
 * Balances need no seed: they are computed from the postings when exported.
 */
import type { DomainSeed, SeedRun } from '../database/seed/domain-seed';
import { maxId, scalar, sqlInt } from '../database/seed/generated-rows';
import type { Dialect } from '../database/seed/seed-target';

interface LedgerSource {
  table: string;
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

async function countAssigned(run: SeedRun): Promise<number> {
  let total = 0;
  for (const source of LEDGER_SOURCES) total += await scalar(run, `SELECT COUNT(*) AS n FROM ${source.table} WHERE driver_id IS NOT NULL`);
  return total;
}

/** Derives one posting per source row that has a driver: EZPass and PVB debit the driver, CURB trips credit them. */
async function rebuildPostings(run: SeedRun): Promise<number> {
  const { target } = run;
  const total = await countAssigned(run);
  let posted = 0;
  let base = 0;
  await target.fillTable('ledger_postings', 'replace', async (into) => {
    for (const source of LEDGER_SOURCES) {
      const lastId = await maxId(run, source.table);
      for (let afterId = 0; afterId < lastId; afterId += LEDGER_CHUNK_IDS) {
        posted += await target.run(postingInsertSql(target.dialect, into, source, base, afterId, afterId + LEDGER_CHUNK_IDS));
        run.report('ledger_postings', posted, total);
      }
      base += lastId;
    }
  });
  return posted;
}

export const ledgerSeed: DomainSeed = {
  run: async (run) => ({ ledger_postings: await rebuildPostings(run) }),
};
