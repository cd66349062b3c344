import { parseExpression } from 'cron-parser';

const DAY_S = 86_400;

/** The zone's canonical IANA name (`utc` → `UTC`), or undefined for anything else, bare UTC offsets (`+05:00`) included. */
export function canonicalTimeZone(timeZone: string): string | undefined {
  if (/^[+-]/.test(timeZone)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** Why `cron` is not a 5-field (minute first) or 6-field (second first) expression, if it is not. */
export function cronError(cron: string): string | undefined {
  const fields = cron.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) {
    return `cron must have 5 fields (minute hour day-of-month month day-of-week) or 6 (with seconds first); got ${fields}`;
  }
  try {
    parseExpression(cron).next();
    return undefined;
  } catch (error) {
    return `cron is not a valid expression: ${(error as Error).message}`;
  }
}

/** The next `count` occurrences after `after`, in the schedule's zone. Expects a valid expression and zone. */
export function nextOccurrences(cron: string, timeZone: string, after: Date, count: number): Date[] {
  const iterator = parseExpression(cron, { tz: timeZone, currentDate: after });
  return Array.from({ length: count }, () => iterator.next().toDate());
}

/**
 * The shortest gap between occurrences in milliseconds, from the times of day the expression fires
 * at (exact within a day; past one day a lower bound, since which days match is not looked at).
 * Computed from the fields because stepping a sparse expression through cron-parser is slow.
 */
export function shortestInterval(cron: string): number {
  const { second, minute, hour } = parseExpression(cron).fields;
  const times = hour.flatMap((h) => minute.flatMap((m) => second.map((s) => h * 3600 + m * 60 + s)));
  const gaps = times.slice(1).map((time, i) => time - times[i]);
  return Math.min(...gaps, DAY_S - times[times.length - 1] + times[0]) * 1000;
}
