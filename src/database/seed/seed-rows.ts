/** Row generators for the three source tables. Each is a deterministic stream fixed by (seed, table, offset). */
import {
  BOROUGH_ACTIVITY,
  CURB_PAYMENT_TYPE,
  CURB_STATUS,
  EZPASS_STATUS,
  HOUR_OF_DAY,
  OPEN_PENALTY_CENTS,
  OTHER_PLATE_STATES,
  OTHER_VEHICLE_CLASS,
  PAID_PENALTY_CENTS,
  PVB_STATUS,
  STREETS,
  TAG_AGENCY_PREFIXES,
  TIP_PERCENT,
  TOLL_PLAZAS,
  UNASSIGNED_EZPASS_STATUS,
  VIOLATION_CODES,
  fleetDriver,
  isPeak,
  tollCents,
} from './seed-data';
import type { FleetDriver, ViolationCode } from './seed-data';
import { SEED_DAYS, SeededRandom, deriveSeed, formatCents, formatDate, formatDateTime, weekdayOf, yearOf } from './seed-random';

export type SourceTable = 'ezpass_transactions' | 'pvb_violations' | 'curb_trips';
export type SqlValue = string | null;

export interface RowSource {
  readonly table: SourceTable;
  readonly columns: readonly string[];
  /** Appends the next row's values, in `columns` order, to `out`. */
  writeRow(out: SqlValue[]): void;
}

/** What one run generates for a table: `count` rows whose business ids start after `offset`. */
export interface RowPlan {
  seed: number;
  offset: number;
  count: number;
  fleet: Fleet;
}

const DAY = 86_400;
const HOUR = 3_600;
const UNASSIGNED_SHARE = 0.05;
const TAXI_CLASS = { code: '1', factor: 1 };

export class Fleet {
  readonly drivers: readonly FleetDriver[];

  constructor(size: number) {
    this.drivers = Array.from({ length: size }, (_, i) => fleetDriver(i + 1));
  }

  /** A driver, or null for the share of rows the back office could not match to anyone. */
  pick(random: SeededRandom): FleetDriver | null {
    return random.chance(UNASSIGNED_SHARE) ? null : random.pick(this.drivers);
  }
}

/** Rows move through 2023–2025 in id order, like a real feed; this also keeps index inserts local. */
function dayOf(index: number, count: number, random: SeededRandom): number {
  return Math.floor(((index + random.next()) * SEED_DAYS) / count);
}

function timeOn(day: number, hour: number, random: SeededRandom): number {
  return day * DAY + hour * HOUR + random.int(0, HOUR - 1);
}

function businessId(prefix: string, n: number, width: number): string {
  return prefix + String(n).padStart(width, '0');
}

function streamFor(plan: RowPlan, table: SourceTable): SeededRandom {
  return new SeededRandom(deriveSeed(table, plan.seed, plan.offset));
}

// ---------------------------------------------------------------- EZPass

const EZPASS_COLUMNS = [
  'transaction_id',
  'transaction_date',
  'posting_date',
  'plate_number',
  'plate_state',
  'tag_number',
  'agency',
  'entry_plaza',
  'exit_plaza',
  'vehicle_class',
  'amount',
  'status',
  'driver_id',
  'medallion_no',
  'vin',
  'created_at',
] as const;

export function ezpassRows(plan: RowPlan): RowSource {
  const random = streamFor(plan, 'ezpass_transactions');
  let index = 0;
  return {
    table: 'ezpass_transactions',
    columns: EZPASS_COLUMNS,
    writeRow(out) {
      const n = plan.offset + index + 1;
      const day = dayOf(index++, plan.count, random);
      const driver = plan.fleet.pick(random);
      const hour = random.weighted(HOUR_OF_DAY);
      const plaza = random.weighted(TOLL_PLAZAS);
      const vehicle = driver ? TAXI_CLASS : random.weighted(OTHER_VEHICLE_CLASS);
      const state = driver ? 'NY' : random.weighted(OTHER_PLATE_STATES);
      const cents = tollCents(plaza.rate, yearOf(day), isPeak(weekdayOf(day), hour)) * vehicle.factor;
      const postingDay = day + random.int(1, 5);
      out.push(
        businessId('EZ', n, 10),
        formatDateTime(timeOn(day, hour, random)),
        formatDate(postingDay),
        driver ? driver.plate : random.plate(state),
        state,
        driver ? driver.tagNumber : random.pick(TAG_AGENCY_PREFIXES) + random.digits(8),
        plaza.agency,
        plaza.name,
        plaza.exits ? random.pick(plaza.exits) : null,
        vehicle.code,
        formatCents(cents),
        random.weighted(driver ? EZPASS_STATUS : UNASSIGNED_EZPASS_STATUS),
        driver ? driver.driverId : null,
        driver ? driver.medallion : null,
        driver ? driver.vin : null,
        // imported from the agency's posting file during the posting day
        formatDateTime(postingDay * DAY + random.int(5 * HOUR, 23 * HOUR)),
      );
    },
  };
}

// ---------------------------------------------------------------- PVB

const PVB_COLUMNS = [
  'summons_number',
  'plate_number',
  'plate_state',
  'violation_code',
  'violation_description',
  'issue_date',
  'posting_date',
  'county',
  'street_name',
  'fine_amount',
  'penalty_amount',
  'amount_due',
  'status',
  'driver_id',
  'medallion_no',
  'vin',
  'created_at',
] as const;

function fineCents(code: ViolationCode, county: string): number {
  return county === 'MANHATTAN' || code.fineElsewhereCents === undefined ? code.fineCents : code.fineElsewhereCents;
}

function penaltyCents(status: string, random: SeededRandom): number {
  if (status === 'OPEN') return random.weighted(OPEN_PENALTY_CENTS);
  if (status === 'PAID') return random.weighted(PAID_PENALTY_CENTS);
  return 0;
}

export function pvbRows(plan: RowPlan): RowSource {
  const random = streamFor(plan, 'pvb_violations');
  let index = 0;
  return {
    table: 'pvb_violations',
    columns: PVB_COLUMNS,
    writeRow(out) {
      const n = plan.offset + index + 1;
      const day = dayOf(index++, plan.count, random);
      const driver = plan.fleet.pick(random);
      const code = random.weighted(VIOLATION_CODES);
      const county = random.weighted(BOROUGH_ACTIVITY);
      const issuedAt = timeOn(day, random.weighted(HOUR_OF_DAY), random);
      const status = random.weighted(PVB_STATUS);
      const fine = fineCents(code, county);
      const penalty = penaltyCents(status, random);
      const state = driver ? 'NY' : random.weighted(OTHER_PLATE_STATES);
      out.push(
        businessId(code.camera ? '4' : '1', n, 9),
        driver ? driver.plate : random.plate(state),
        state,
        code.code,
        code.description,
        formatDateTime(issuedAt),
        status === 'HEARING_PENDING' ? null : formatDate(day + random.int(1, 21)),
        county,
        random.pick(STREETS[county]),
        formatCents(fine),
        formatCents(penalty),
        formatCents(status === 'DISMISSED' ? 0 : fine + penalty),
        status,
        driver ? driver.driverId : null,
        driver ? driver.medallion : null,
        driver ? driver.vin : null,
        formatDateTime(issuedAt + random.int(2 * HOUR, 72 * HOUR)),
      );
    },
  };
}

// ---------------------------------------------------------------- CURB

const CURB_COLUMNS = [
  'trip_id',
  'start_time',
  'end_time',
  'pickup_borough',
  'dropoff_borough',
  'distance_miles',
  'fare_amount',
  'tip_amount',
  'tolls_amount',
  'total_amount',
  'payment_type',
  'status',
  'driver_id',
  'medallion_no',
  'vin',
  'created_at',
] as const;

const MTA_CROSSING_CENTS = 694;

/** Trip distance in hundredths of a mile: short hops inside a borough, longer runs across. */
function distanceHundredths(sameBorough: boolean, random: SeededRandom): number {
  const u = random.next();
  return sameBorough ? 30 + Math.floor(u * u * 750) : 300 + Math.floor(u * 1_700);
}

/** Metered fare: $3.00 flag drop, $0.70 per fifth of a mile and per slow minute, plus MTA/improvement/congestion surcharges. */
function fareCents(hundredths: number, slowMinutes: number, touchesManhattan: boolean): number {
  const fifths = Math.ceil(hundredths / 20);
  return 300 + 70 * fifths + 70 * slowMinutes + 150 + (touchesManhattan ? 250 : 0);
}

export function curbRows(plan: RowPlan): RowSource {
  const random = streamFor(plan, 'curb_trips');
  let index = 0;
  return {
    table: 'curb_trips',
    columns: CURB_COLUMNS,
    writeRow(out) {
      const n = plan.offset + index + 1;
      const day = dayOf(index++, plan.count, random);
      const driver = plan.fleet.pick(random);
      const pickup = random.weighted(BOROUGH_ACTIVITY);
      const dropoff = random.chance(0.72) ? pickup : random.weighted(BOROUGH_ACTIVITY);
      const hundredths = distanceHundredths(pickup === dropoff, random);
      const duration = Math.round((hundredths / 100 / random.int(7, 22)) * HOUR) + random.int(60, 300);
      const start = timeOn(day, random.weighted(HOUR_OF_DAY), random);
      const slowMinutes = Math.floor((duration / 60) * 0.3 * random.next());
      const fare = fareCents(hundredths, slowMinutes, pickup === 'MANHATTAN' || dropoff === 'MANHATTAN');
      const payment = random.weighted(CURB_PAYMENT_TYPE);
      const tip = payment === 'CREDIT' ? Math.round((fare * random.weighted(TIP_PERCENT)) / 100) : 0;
      const tolls = pickup !== dropoff && random.chance(0.3) ? MTA_CROSSING_CENTS : 0;
      out.push(
        businessId('CT', n, 10),
        formatDateTime(start),
        formatDateTime(start + duration),
        pickup,
        dropoff,
        formatCents(hundredths),
        formatCents(fare),
        formatCents(tip),
        formatCents(tolls),
        formatCents(fare + tip + tolls),
        payment,
        random.weighted(CURB_STATUS),
        driver ? driver.driverId : null,
        driver ? driver.medallion : null,
        driver ? driver.vin : null,
        // the tablet uploads the trip record shortly after drop-off
        formatDateTime(start + duration + random.int(30, 900)),
      );
    },
  };
}
