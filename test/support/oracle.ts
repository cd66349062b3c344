/**
 * Each export type's rows written by hand in MariaDB SQL, independently of the engine's query
 * builder: the expectation side of every file comparison. Joins and GROUP BY are spelt out here.
 */

interface OracleQuery {
  /** Every column the type can write: its SELECT expression. */
  columns: Record<string, string>;
  /** FROM with its joins. */
  from: string;
  groupBy?: string;
  order: string;
  /** Filters on source rows that narrow no output column (applied before grouping): their expression. */
  sourceFilters?: Record<string, string>;
}

const FLEET_JOINS = `LEFT JOIN drivers d ON d.driver_id = t.driver_id
  LEFT JOIN medallions m ON m.medallion_no = t.medallion_no
  LEFT JOIN vehicles v ON v.vin = t.vin`;

export type Dialect = 'mysql' | 'sqlite';

/** `a b`; NULL when either is (MariaDB's `||` is OR, so it needs CONCAT()). */
const spaced = (dialect: Dialect, a: string, b: string): string =>
  dialect === 'mysql' ? `CONCAT(${a}, ' ', ${b})` : `${a} || ' ' || ${b}`;

const fleetColumns = (dialect: Dialect) => ({
  driver_id: 't.driver_id',
  driver_name: spaced(dialect, 'd.first_name', 'd.last_name'),
  medallion_no: 't.medallion_no',
  medallion_owner: 'm.owner_name',
  vin: 't.vin',
  vehicle: spaced(dialect, 'v.make', 'v.model'),
});

const own = (...names: string[]): Record<string, string> => Object.fromEntries(names.map((name) => [name, `t.${name}`]));

/** `IF(condition, a, b)`, which SQLite spells IIF. */
const ifElse = (dialect: Dialect, condition: string, a: string, b: string): string =>
  `${dialect === 'mysql' ? 'IF' : 'IIF'}(${condition}, ${a}, ${b})`;

const queries = (dialect: Dialect): Record<string, OracleQuery> => ({
  EZPASS: {
    columns: {
      ...own('id', 'transaction_id', 'transaction_date', 'posting_date', 'plate_number', 'plate_state', 'tag_number', 'agency'),
      ...own('entry_plaza', 'exit_plaza', 'vehicle_class', 'amount', 'status', 'created_at'),
      ...fleetColumns(dialect),
    },
    from: `ezpass_transactions t ${FLEET_JOINS}`,
    order: 't.posting_date, t.id',
  },
  PVB: {
    columns: {
      ...own('id', 'summons_number', 'issue_date', 'posting_date', 'plate_number', 'plate_state', 'violation_code'),
      ...own('violation_description', 'county', 'street_name', 'fine_amount', 'penalty_amount', 'amount_due', 'status', 'created_at'),
      ...fleetColumns(dialect),
    },
    from: `pvb_violations t ${FLEET_JOINS}`,
    order: 't.issue_date, t.id',
  },
  CURB: {
    columns: {
      ...own('id', 'trip_id', 'start_time', 'end_time', 'pickup_borough', 'dropoff_borough', 'distance_miles', 'fare_amount'),
      ...own('tip_amount', 'tolls_amount', 'total_amount', 'payment_type', 'status', 'created_at'),
      ...fleetColumns(dialect),
    },
    from: `curb_trips t ${FLEET_JOINS}`,
    order: 't.start_time, t.id',
  },
  LEDGER_POSTINGS: {
    columns: {
      ...own('id', 'posting_id', 'posting_date', 'category', 'entry_type', 'amount', 'status', 'reference_type', 'reference_id'),
      ...own('description', 'created_at'),
      ...fleetColumns(dialect),
    },
    from: `ledger_postings t ${FLEET_JOINS}`,
    order: 't.posting_date, t.id',
  },
  LEDGER_BALANCES: {
    columns: {
      driver_id: 'p.driver_id',
      driver_name: `MIN(${spaced(dialect, 'd.first_name', 'd.last_name')})`,
      medallion_no: 'p.medallion_no',
      vin: 'p.vin',
      category: 'p.category',
      total_debits: `SUM(${ifElse(dialect, "p.entry_type = 'DEBIT'", 'p.amount', '0')})`,
      total_credits: `SUM(${ifElse(dialect, "p.entry_type = 'CREDIT'", 'p.amount', '0')})`,
      balance: `SUM(${ifElse(dialect, "p.entry_type = 'DEBIT'", 'p.amount', '-p.amount')})`,
      posting_count: 'COUNT(p.id)',
      first_posting_date: 'MIN(p.posting_date)',
      last_posting_date: 'MAX(p.posting_date)',
    },
    from: 'ledger_postings p LEFT JOIN drivers d ON d.driver_id = p.driver_id',
    groupBy: 'p.driver_id, p.medallion_no, p.vin, p.category',
    order: 'p.driver_id, p.medallion_no, p.vin, p.category',
    sourceFilters: { posting_date: 'p.posting_date' },
  },
});

export const ORACLE = queries('mysql');

/** The hand-written SELECT of `keys` (each aliased by its key), with optional WHERE and HAVING conditions. */
export function oracleSql(type: string, keys: readonly string[], where?: string, having?: string, dialect: Dialect = 'mysql'): string {
  const query = queries(dialect)[type];
  const select = keys.map((key) => `${query.columns[key]} AS ${key}`).join(', ');
  return [
    `SELECT ${select} FROM ${query.from}`,
    where ? `WHERE ${where}` : '',
    query.groupBy ? `GROUP BY ${query.groupBy}` : '',
    having ? `HAVING ${having}` : '',
    `ORDER BY ${query.order}`,
  ]
    .filter(Boolean)
    .join(' ');
}

/** Every column key the oracle knows for a type. */
export const oracleKeys = (type: string): string[] => Object.keys(ORACLE[type].columns);
