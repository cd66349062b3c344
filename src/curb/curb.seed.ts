/** CURB demo data: metered yellow-cab trips with NYC fares, tips and crossings, driven by the fleet. */
import type { DomainSeed } from '../database/seed/domain-seed';
import { HOUR, appendGenerated, businessId, dayOf, streamFor, timeOn } from '../database/seed/generated-rows';
import type { RowPlan, RowSource } from '../database/seed/generated-rows';
import { BOROUGH_ACTIVITY, HOUR_OF_DAY } from '../database/seed/seed-data';
import { WeightedTable, formatCents, formatDateTime } from '../database/seed/seed-random';
import type { SeededRandom } from '../database/seed/seed-random';
import { Fleet, fleetSize } from '../fleet/fleet-roster';

export const CURB_PAYMENT_TYPE = new WeightedTable<string>([
  ['CREDIT', 72],
  ['CASH', 23],
  ['NO_CHARGE', 3],
  ['DISPUTE', 2],
]);

export const CURB_STATUS = new WeightedTable<string>([
  ['COMPLETED', 95],
  ['REFUNDED', 3],
  ['VOIDED', 2],
]);

/** Credit-card tip as a percentage of the fare (the tablet's 20/25/30 buttons dominate). */
export const TIP_PERCENT = new WeightedTable<number>([
  [0, 12],
  [10, 6],
  [15, 10],
  [20, 40],
  [25, 20],
  [30, 12],
]);

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

const TABLE = 'curb_trips';
/** The latest a trip record is uploaded after drop-off. */
const MAX_UPLOAD_DELAY = 900;

function curbRows(fleet: Fleet, plan: RowPlan): RowSource {
  const random = streamFor(plan, TABLE);
  let index = 0;
  return {
    columns: CURB_COLUMNS,
    writeRow(out) {
      const n = plan.offset + index + 1;
      const day = dayOf(index++, plan, random);
      const driver = fleet.pick(random);
      const pickup = random.weighted(BOROUGH_ACTIVITY);
      const dropoff = random.chance(0.72) ? pickup : random.weighted(BOROUGH_ACTIVITY);
      const hundredths = distanceHundredths(pickup === dropoff, random);
      const duration = Math.round((hundredths / 100 / random.int(7, 22)) * HOUR) + random.int(60, 300);
      // a trip late on the calendar's last day still ends, and is uploaded, on that day
      const start = Math.min(timeOn(day, random.weighted(HOUR_OF_DAY), random), plan.calendar.lastSecond - duration - MAX_UPLOAD_DELAY);
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
        formatDateTime(start + duration + random.int(30, MAX_UPLOAD_DELAY)),
      );
    },
  };
}

/** One metered trip per row, most driven by the fleet. */
export const curbSeed: DomainSeed = {
  types: ['CURB'],
  run: (run) => {
    const fleet = new Fleet(fleetSize(run.rows));
    return appendGenerated(run, TABLE, (plan) => curbRows(fleet, plan));
  },
};
