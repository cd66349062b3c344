import type { DataSource } from 'typeorm';

/** Deterministic pseudo-random numbers for test rows (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export type Row = Record<string, string | number | null>;

const FIRST_NAMES = ['Ana', 'José', 'Wei', 'Zoë', 'Kwame'];

/** The fleet rows a test row may point to, made up from the reference itself. */
const FLEET_REFERENCES: { column: string; table: string; row: (key: string) => Row }[] = [
  {
    column: 'driver_id',
    table: 'drivers',
    row: (id) => ({
      driver_id: id,
      first_name: FIRST_NAMES[id.charCodeAt(id.length - 1) % FIRST_NAMES.length],
      last_name: `Driver ${id}`,
      tlc_license_no: null,
      status: 'ACTIVE',
    }),
  },
  {
    column: 'medallion_no',
    table: 'medallions',
    row: (no) => ({ medallion_no: no, owner_name: `OWNER ${no.charAt(0)} LLC`, medallion_type: 'MINI-FLEET' }),
  },
  {
    column: 'vin',
    table: 'vehicles',
    row: (vin) => ({ vin, plate_number: null, make: 'Toyota', model: `Camry ${vin.slice(-1)}`, model_year: 2022 }),
  },
];

/** Source rows' driver, medallion and cab are foreign keys: make the ones these rows name, if missing. */
async function ensureFleetReferences(db: DataSource, rows: Row[]): Promise<void> {
  for (const reference of FLEET_REFERENCES) {
    const keys = [...new Set(rows.map((row) => row[reference.column]).filter((key): key is string => typeof key === 'string'))];
    if (keys.length > 0) await db.createQueryBuilder().insert().into(reference.table).values(keys.map(reference.row)).orIgnore().execute();
  }
}

/** Inserts rows in multi-row batches through TypeORM (works on MariaDB and SQLite), after the fleet rows they refer to. */
export async function insertRows(db: DataSource, table: string, rows: Row[], batch = 500): Promise<void> {
  if (!FLEET_REFERENCES.some((reference) => reference.table === table)) await ensureFleetReferences(db, rows);
  for (let i = 0; i < rows.length; i += batch) {
    await db
      .createQueryBuilder()
      .insert()
      .into(table)
      .values(rows.slice(i, i + batch))
      .execute();
  }
}

export const PLAZAS = ['GWB', 'Lincoln Tunnel', 'Holland Tunnel', 'Verrazzano', 'RFK Triborough'];
export const EZPASS_STATUSES = ['POSTED_TO_LEDGER', 'PENDING', 'DISPUTED'];
export const DRIVERS = ['D001', 'D002', 'D003', 'D004'];

/**
 * EZPass rows over January–February 2024 with the edge cases filters must get right: times at
 * 00:00:00 and 23:59:59, negative amounts, NULL fleet references, text that looks like a formula.
 */
export function ezpassRows(count: number, seed = 1): Row[] {
  const random = rng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  return Array.from({ length: count }, (_, i) => {
    const day = 1 + Math.floor(random() * 59);
    const date = new Date(Date.UTC(2024, 0, day));
    const ymd = date.toISOString().slice(0, 10);
    const time =
      i % 10 === 0
        ? '00:00:00'
        : i % 10 === 1
          ? '23:59:59'
          : `${pad(Math.floor(random() * 24))}:${pad(Math.floor(random() * 60))}:${pad(Math.floor(random() * 60))}`;
    const posting = new Date(date.getTime() + (i % 3) * 86400000).toISOString().slice(0, 10);
    const cents = Math.floor(random() * 4000) - (i % 17 === 0 ? 5000 : 0);
    const driver = i % 13 === 0 ? null : pick(DRIVERS);
    return {
      transaction_id: `EZT${pad(seed, 3)}${pad(i, 7)}`,
      transaction_date: `${ymd} ${time}`,
      posting_date: posting,
      plate_number: `T${pad(100000 + Math.floor(random() * 50), 6)}C`,
      plate_state: 'NY',
      tag_number: `0${pad(Math.floor(random() * 1e9), 10)}`,
      agency: 'PANYNJ',
      entry_plaza: i % 50 === 7 ? '=HYPERLINK("x")' : pick(PLAZAS),
      exit_plaza: i % 4 === 0 ? null : pick(PLAZAS),
      vehicle_class: '1',
      amount: (cents / 100).toFixed(2),
      status: pick(EZPASS_STATUSES),
      driver_id: driver,
      medallion_no: driver ? `${driver.slice(-1)}J${pad(i % 7)}` : null,
      vin: driver ? `1FTFW1E5${pad(i % 5, 9)}` : null,
      created_at: `${ymd} 12:00:00`,
    };
  });
}
