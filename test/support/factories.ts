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

/** Inserts rows in multi-row batches through TypeORM (works on MariaDB and SQLite). */
export async function insertRows(db: DataSource, table: string, rows: Row[], batch = 500): Promise<void> {
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
