/** Deterministic row streams for source tables, and how a seed run appends them. */
import type { SeedRun } from './domain-seed';
import { SeededRandom, deriveSeed } from './seed-random';
import type { SeedCalendar } from './seed-random';
import type { RowSource } from './seed-target';

export type { RowSource, SqlValue } from './seed-target';

/** What one run generates for a table: `count` rows whose business ids start after `offset`. */
export interface RowPlan {
  seed: number;
  offset: number;
  count: number;
  calendar: SeedCalendar;
}

export const DAY = 86_400;
export const HOUR = 3_600;

/** The run's random stream for a table, fixed by (table, seed, offset). */
export function streamFor(plan: RowPlan, table: string): SeededRandom {
  return new SeededRandom(deriveSeed(table, plan.seed, plan.offset));
}

/**
 * Rows move through the calendar in id order, like a real feed (this also keeps index inserts
 * local), over its first `span` days: all of them unless events follow a row's day.
 */
export function dayOf(index: number, plan: RowPlan, random: SeededRandom, span = plan.calendar.days): number {
  return Math.floor(((index + random.next()) * span) / plan.count);
}

/** A second within `hour` of `day`. */
export function timeOn(day: number, hour: number, random: SeededRandom): number {
  return day * DAY + hour * HOUR + random.int(0, HOUR - 1);
}

/** A time derived from an event (a posting, an upload) never lies after the calendar's end. */
export function notAfterEnd(seconds: number, plan: RowPlan): number {
  return Math.min(seconds, plan.calendar.lastSecond);
}

export function businessId(prefix: string, n: number, width: number): string {
  return prefix + String(n).padStart(width, '0');
}

/** Integers are interpolated into SQL only after this check; row data always goes through placeholders. */
export function sqlInt(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
  return String(value);
}

export async function scalar(run: SeedRun, sql: string): Promise<number> {
  const [row] = await run.target.all(sql);
  const value = row === undefined ? undefined : Object.values(row)[0];
  return value === null || value === undefined ? 0 : Number(value);
}

/** The highest id in a table; business ids continue after it, so appended runs never collide. */
export function maxId(run: SeedRun, table: string): Promise<number> {
  return scalar(run, `SELECT MAX(id) AS max_id FROM ${table}`);
}

/** Appends the run's rows of a source table from its generator; returns the rows written. */
export async function appendGenerated(
  run: SeedRun,
  table: string,
  generate: (plan: RowPlan) => RowSource,
): Promise<Record<string, number>> {
  const plan: RowPlan = { seed: run.seed, offset: await maxId(run, table), count: run.rows, calendar: run.calendar };
  await run.target.fillTable(table, 'append', (into) =>
    run.target.insertRows(generate(plan), into, run.rows, (done) => run.report(table, done, run.rows)),
  );
  return { [table]: run.rows };
}
