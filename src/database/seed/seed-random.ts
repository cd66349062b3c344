/** Deterministic value generation for the seeder: same seed, same sequence, on every machine. */

const SECONDS_PER_DAY = 86_400;
const EPOCH_MS = Date.UTC(2023, 0, 1);

/** The first day of every seeded calendar. */
export const SEED_START = '2023-01-01';
const PAD2 = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
/** Formatted days are cached for this many days after the start (about 55 years). */
const CACHED_DAYS = 20_000;
const dayCache: string[] = [];

/** The days demo data spans: from 2023-01-01 up to and including the end date. */
export interface SeedCalendar {
  /** The end date, YYYY-MM-DD. */
  readonly until: string;
  /** Days from the start to the end date, both included; day `days - 1` is the end date. */
  readonly days: number;
  /** The last second of the end date, in seconds after the start. */
  readonly lastSecond: number;
}

export function seedCalendar(until: string): SeedCalendar {
  const end = /^\d{4}-\d{2}-\d{2}$/.test(until) ? Date.parse(`${until}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(end) || new Date(end).toISOString().slice(0, 10) !== until || end < EPOCH_MS) {
    throw new RangeError(`until must be a date YYYY-MM-DD on or after ${SEED_START}, got ${until}`);
  }
  const days = Math.round((end - EPOCH_MS) / (SECONDS_PER_DAY * 1000)) + 1;
  return { until, days, lastSecond: days * SECONDS_PER_DAY - 1 };
}

/** 'YYYY-MM-DD' of a day counted from 2023-01-01 (day 0); cached because the seeder formats millions. */
export function formatDate(day: number): string {
  let text = dayCache[day];
  if (text === undefined) {
    text = new Date(EPOCH_MS + day * SECONDS_PER_DAY * 1000).toISOString().slice(0, 10);
    if (day >= 0 && day < CACHED_DAYS) dayCache[day] = text;
  }
  return text;
}

/** 'YYYY-MM-DD HH:MM:SS' of a number of seconds after 2023-01-01 00:00:00. */
export function formatDateTime(seconds: number): string {
  const day = Math.floor(seconds / SECONDS_PER_DAY);
  let rest = seconds - day * SECONDS_PER_DAY;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  return `${formatDate(day)} ${PAD2[hours]}:${PAD2[minutes]}:${PAD2[rest - minutes * 60]}`;
}

/** Calendar year of a seeded day. */
export function yearOf(day: number): number {
  return Number(formatDate(day).slice(0, 4));
}

/** 0 = Sunday .. 6 = Saturday (2023-01-01 was a Sunday). */
export function weekdayOf(day: number): number {
  return ((day % 7) + 7) % 7;
}

/** Integer cents as a decimal string with exactly two decimals ('1234' -> '12.34'). */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  return `${sign}${whole}.${PAD2[abs - whole * 100]}`;
}

export function formatDriverId(n: number): string {
  return `D${String(n).padStart(6, '0')}`;
}

/** A 32-bit seed from any mix of labels and numbers (FNV-1a, then a murmur3 finaliser for avalanche). */
export function deriveSeed(...parts: readonly (string | number)[]): number {
  const text = parts.join('\u0001');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Items with relative weights, precomputed for repeated picks. */
export class WeightedTable<T> {
  readonly items: readonly T[];
  private readonly cumulative: number[];
  private readonly total: number;

  constructor(entries: readonly (readonly [item: T, weight: number])[]) {
    if (entries.length === 0) throw new Error('WeightedTable needs at least one entry');
    let sum = 0;
    this.items = entries.map(([item]) => item);
    this.cumulative = entries.map(([, weight]) => {
      if (!(weight > 0)) throw new Error(`weights must be positive, got ${weight}`);
      return (sum += weight);
    });
    this.total = sum;
  }

  /** The item at position `unit` (0 <= unit < 1) of the cumulative weight range. */
  at(unit: number): T {
    const target = unit * this.total;
    const last = this.cumulative.length - 1;
    for (let i = 0; i < last; i++) if (target < this.cumulative[i]) return this.items[i];
    return this.items[last];
  }
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const NO_IOQ = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const VIN_ALPHABET = `${NO_IOQ}0123456789`;
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
const VIN_VALUES: Record<string, number> = Object.fromEntries(
  [...NO_IOQ].map((ch, i) => [ch, [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9][i]]),
);

/** Check digit (position 9) as defined by 49 CFR 565, so generated VINs validate. */
export function vinCheckDigit(vin: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const ch = vin[i];
    sum += (ch >= '0' && ch <= '9' ? Number(ch) : VIN_VALUES[ch]) * VIN_WEIGHTS[i];
  }
  const check = sum % 11;
  return check === 10 ? 'X' : String(check);
}

/** mulberry32: a tiny, fast 32-bit generator; quality is ample for fake data. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  weighted<T>(table: WeightedTable<T>): T {
    return table.at(this.next());
  }

  /** A decimal amount between two cent values, as a string with exactly two decimals. */
  amount(minCents: number, maxCents: number): string {
    return formatCents(this.int(minCents, maxCents));
  }

  digits(count: number): string {
    let text = '';
    for (let i = 0; i < count; i++) text += String(this.int(0, 9));
    return text;
  }

  letters(count: number, alphabet = UPPER): string {
    let text = '';
    for (let i = 0; i < count; i++) text += alphabet[Math.floor(this.next() * alphabet.length)];
    return text;
  }

  /** A private plate in the format of its state. */
  plate(state: string): string {
    switch (state) {
      case 'NJ':
        return `${this.letters(1)}${this.digits(2)}${this.letters(3)}`;
      case 'CT':
        return `${this.letters(2)}${this.digits(5)}`;
      default:
        return `${this.letters(3)}${this.digits(4)}`;
    }
  }

  /** 17 characters of the VIN alphabet (no I, O, Q): manufacturer prefix, model-year letter, and a valid check digit. */
  vin(wmi: string, modelYear: string): string {
    const body = `${wmi}${this.letters(5, VIN_ALPHABET)}0${modelYear}${this.letters(1, NO_IOQ)}${this.digits(6)}`;
    return `${body.slice(0, 8)}${vinCheckDigit(body)}${body.slice(9)}`;
  }
}
