/** EZPass demo data: real NYC crossings and their tolls, one row per toll, matched to the fleet. */
import type { DomainSeed } from '../database/seed/domain-seed';
import { DAY, HOUR, appendGenerated, businessId, dayOf, streamFor, timeOn } from '../database/seed/generated-rows';
import type { RowPlan, RowSource } from '../database/seed/generated-rows';
import { HOUR_OF_DAY, OTHER_PLATE_STATES, TAG_AGENCY_PREFIXES } from '../database/seed/seed-data';
import { WeightedTable, formatCents, formatDate, formatDateTime, weekdayOf, yearOf } from '../database/seed/seed-random';
import { Fleet, fleetSize } from '../fleet/fleet-roster';

export type TollRate = 'PANYNJ' | 'MTA_MAJOR' | 'MTA_HENRY_HUDSON' | 'MTA_ROCKAWAY' | 'NJTA_EWR';

export interface TollPlaza {
  name: string;
  agency: 'PANYNJ' | 'MTA B&T' | 'NJTA';
  rate: TollRate;
  /** Closed (ticket) systems record where the trip left the road; open crossings have no exit plaza. */
  exits?: readonly string[];
}

const plaza = (name: string, agency: TollPlaza['agency'], rate: TollRate, exits?: readonly string[]): TollPlaza => ({
  name,
  agency,
  rate,
  exits,
});
const EWR_EXITS = ['NJ TURNPIKE 13A NEWARK AIRPORT', 'NJ TURNPIKE 14 NEWARK AIRPORT'];

export const TOLL_PLAZAS = new WeightedTable<TollPlaza>([
  [plaza('GEORGE WASHINGTON BRIDGE', 'PANYNJ', 'PANYNJ'), 10],
  [plaza('LINCOLN TUNNEL', 'PANYNJ', 'PANYNJ'), 10],
  [plaza('HOLLAND TUNNEL', 'PANYNJ', 'PANYNJ'), 8],
  [plaza('GOETHALS BRIDGE', 'PANYNJ', 'PANYNJ'), 2],
  [plaza('OUTERBRIDGE CROSSING', 'PANYNJ', 'PANYNJ'), 1.5],
  [plaza('BAYONNE BRIDGE', 'PANYNJ', 'PANYNJ'), 1],
  [plaza('ROBERT F. KENNEDY BRIDGE', 'MTA B&T', 'MTA_MAJOR'), 16],
  [plaza('QUEENS MIDTOWN TUNNEL', 'MTA B&T', 'MTA_MAJOR'), 14],
  [plaza('HUGH L. CAREY TUNNEL', 'MTA B&T', 'MTA_MAJOR'), 9],
  [plaza('VERRAZZANO-NARROWS BRIDGE', 'MTA B&T', 'MTA_MAJOR'), 5],
  [plaza('THROGS NECK BRIDGE', 'MTA B&T', 'MTA_MAJOR'), 5],
  [plaza('BRONX-WHITESTONE BRIDGE', 'MTA B&T', 'MTA_MAJOR'), 5],
  [plaza('HENRY HUDSON BRIDGE', 'MTA B&T', 'MTA_HENRY_HUDSON'), 4],
  [plaza('CROSS BAY VETERANS MEMORIAL BRIDGE', 'MTA B&T', 'MTA_ROCKAWAY'), 1],
  [plaza('MARINE PARKWAY-GIL HODGES MEMORIAL BRIDGE', 'MTA B&T', 'MTA_ROCKAWAY'), 1],
  [plaza('NJ TURNPIKE 14C HOLLAND TUNNEL', 'NJTA', 'NJTA_EWR', EWR_EXITS), 2],
  [plaza('NJ TURNPIKE 16E LINCOLN TUNNEL', 'NJTA', 'NJTA_EWR', EWR_EXITS), 2],
  [plaza('NJ TURNPIKE 18E GWB', 'NJTA', 'NJTA_EWR', EWR_EXITS), 1],
]);

/**
 * E-ZPass class-1 tolls in cents by year (2023, 2024, 2025). Port Authority crossings have
 * peak and off-peak rates; MTA raised its tolls in August 2023, approximated here as the yearly rate.
 */
const TOLL_CENTS: Record<TollRate, { peak: readonly number[]; offPeak: readonly number[] }> = {
  PANYNJ: { peak: [1475, 1538, 1606], offPeak: [1275, 1338, 1406] },
  MTA_MAJOR: { peak: [655, 694, 694], offPeak: [655, 694, 694] },
  MTA_HENRY_HUDSON: { peak: [280, 318, 318], offPeak: [280, 318, 318] },
  MTA_ROCKAWAY: { peak: [262, 275, 275], offPeak: [262, 275, 275] },
  NJTA_EWR: { peak: [230, 237, 244], offPeak: [195, 201, 207] },
};

/** PANYNJ peak: weekdays 6–10 and 16–20, weekends 11–21. */
export function isPeak(weekday: number, hour: number): boolean {
  if (weekday === 0 || weekday === 6) return hour >= 11 && hour < 21;
  return (hour >= 6 && hour < 10) || (hour >= 16 && hour < 20);
}

export function tollCents(rate: TollRate, year: number, peak: boolean): number {
  const table = TOLL_CENTS[rate];
  const index = Math.min(Math.max(year - 2023, 0), 2);
  return (peak ? table.peak : table.offPeak)[index];
}

/** E-ZPass vehicle classes: 1 = two-axle passenger; larger classes pay a multiple. */
export const OTHER_VEHICLE_CLASS = new WeightedTable<{ code: string; factor: number }>([
  [{ code: '1', factor: 1 }, 90],
  [{ code: '2', factor: 2 }, 7],
  [{ code: '3', factor: 3 }, 3],
]);

export const EZPASS_STATUS = new WeightedTable<string>([
  ['POSTED_TO_LEDGER', 86],
  ['PENDING', 7],
  ['DISPUTED', 4],
  ['VOIDED', 3],
]);

/** Tolls that no driver can be matched to stay unposted. */
export const UNASSIGNED_EZPASS_STATUS = new WeightedTable<string>([
  ['PENDING', 80],
  ['DISPUTED', 15],
  ['VOIDED', 5],
]);

const TAXI_CLASS = { code: '1', factor: 1 };

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

const TABLE = 'ezpass_transactions';

function ezpassRows(fleet: Fleet, plan: RowPlan): RowSource {
  const random = streamFor(plan, TABLE);
  const lastDay = plan.calendar.days - 1;
  let index = 0;
  return {
    columns: EZPASS_COLUMNS,
    writeRow(out) {
      const n = plan.offset + index + 1;
      // tolls post one to five days later, so the last toll is from the day before the calendar ends
      const day = dayOf(index++, plan, random, lastDay);
      const driver = fleet.pick(random);
      const hour = random.weighted(HOUR_OF_DAY);
      const plaza = random.weighted(TOLL_PLAZAS);
      const vehicle = driver ? TAXI_CLASS : random.weighted(OTHER_VEHICLE_CLASS);
      const state = driver ? 'NY' : random.weighted(OTHER_PLATE_STATES);
      const cents = tollCents(plaza.rate, yearOf(day), isPeak(weekdayOf(day), hour)) * vehicle.factor;
      const postingDay = Math.min(day + random.int(1, 5), lastDay);
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

/** One toll per row, matched to the fleet (95%) or to no driver. */
export const ezpassSeed: DomainSeed = {
  types: ['EZPASS'],
  run: (run) => {
    const fleet = new Fleet(fleetSize(run.rows));
    return appendGenerated(run, TABLE, (plan) => ezpassRows(fleet, plan));
  },
};
