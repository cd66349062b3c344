/** NYC reference data several domains' seeds draw from: boroughs, hours of activity, plates and tags. */
import { WeightedTable } from './seed-random';

export const BOROUGHS = ['MANHATTAN', 'BROOKLYN', 'QUEENS', 'BRONX', 'STATEN ISLAND'] as const;
export type Borough = (typeof BOROUGHS)[number];

/** Where yellow-cab activity (pickups, tickets) happens. */
export const BOROUGH_ACTIVITY = new WeightedTable<Borough>([
  ['MANHATTAN', 68],
  ['BROOKLYN', 12],
  ['QUEENS', 14],
  ['BRONX', 5],
  ['STATEN ISLAND', 1],
]);

/** Relative activity by hour of day (0..23): quiet before dawn, peaks at the commutes and evenings. */
export const HOUR_OF_DAY = new WeightedTable<number>(
  [3, 2, 1.5, 1, 1, 1.5, 3, 5, 6.5, 6.5, 6, 6, 6.5, 6.5, 6.5, 7, 7.5, 8, 8.5, 8.5, 8, 7, 6, 4.5].map(
    (weight, hour) => [hour, weight] as const,
  ),
);

/** E-ZPass issuing agency prefixes of tag serials (NY CSC, MTA, PANYNJ, NJ). */
export const TAG_AGENCY_PREFIXES = ['004', '008', '009', '022'];

export const OTHER_PLATE_STATES = new WeightedTable<string>([
  ['NY', 70],
  ['NJ', 20],
  ['CT', 6],
  ['PA', 4],
]);
