/**
 * Date ranges named relative to when a scheduled export runs, in the schedule's time zone.
 * Weeks start on Monday. `current_*` ranges run up to and including today; `last_N_days` are the
 * N whole days before today (today is still in progress when a nightly export runs).
 */
export const RELATIVE_DATE_RANGES = [
  'previous_day',
  'current_day',
  'previous_week',
  'current_week',
  'previous_month',
  'current_month',
  'last_7_days',
  'last_30_days',
] as const;
export type RelativeDateRange = (typeof RELATIVE_DATE_RANGES)[number];

/** Inclusive YYYY-MM-DD bounds. */
export interface DateRange {
  from: string;
  to: string;
}

/** A calendar day as a UTC midnight, so day arithmetic never crosses a DST change. */
type Day = Date;

const ymd = (day: Day): string => day.toISOString().slice(0, 10);
const addDays = (day: Day, days: number): Day => new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() + days));
const monthStart = (day: Day, monthsAgo = 0): Day => new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() - monthsAgo, 1));
/** Monday of the day's week (getUTCDay: Sunday 0 ... Saturday 6). */
const weekStart = (day: Day): Day => addDays(day, -((day.getUTCDay() + 6) % 7));

export function isRelativeDateRange(value: unknown): value is RelativeDateRange {
  return typeof value === 'string' && (RELATIVE_DATE_RANGES as readonly string[]).includes(value);
}

/** The calendar day it is at `at` in `timeZone`. */
export function dayIn(at: Date, timeZone: string): Day {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  return new Date(Date.UTC(part('year'), part('month') - 1, part('day')));
}

export function resolveRelativeRange(range: RelativeDateRange, at: Date, timeZone: string): DateRange {
  const today = dayIn(at, timeZone);
  const span = (from: Day, to: Day): DateRange => ({ from: ymd(from), to: ymd(to) });
  switch (range) {
    case 'previous_day':
      return span(addDays(today, -1), addDays(today, -1));
    case 'current_day':
      return span(today, today);
    case 'previous_week':
      return span(addDays(weekStart(today), -7), addDays(weekStart(today), -1));
    case 'current_week':
      return span(weekStart(today), today);
    case 'previous_month':
      return span(monthStart(today, 1), addDays(monthStart(today), -1));
    case 'current_month':
      return span(monthStart(today), today);
    case 'last_7_days':
      return span(addDays(today, -7), addDays(today, -1));
    case 'last_30_days':
      return span(addDays(today, -30), addDays(today, -1));
  }
}

/** `{ posting_date: 'previous_month' }` → `{ from_posting_date: '...', to_posting_date: '...' }`. */
export function resolveRelativeDates(relative: Record<string, RelativeDateRange>, at: Date, timeZone: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(relative).flatMap(([field, range]) => {
      const { from, to } = resolveRelativeRange(range, at, timeZone);
      return [
        [`from_${field}`, from],
        [`to_${field}`, to],
      ];
    }),
  );
}
