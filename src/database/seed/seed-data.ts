/** Reference data the seeder draws from: real NYC crossings, PVB codes, streets, and a small fleet. */
import { SeededRandom, WeightedTable, deriveSeed, formatDriverId } from './seed-random';

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

export const STREETS: Record<Borough, readonly string[]> = {
  MANHATTAN: [
    'BROADWAY',
    'W 42ND ST',
    'E 57TH ST',
    'LEXINGTON AVE',
    '8TH AVE',
    'MADISON AVE',
    'PARK AVE',
    'W 34TH ST',
    'CANAL ST',
    'AMSTERDAM AVE',
    '1ST AVE',
    '2ND AVE',
    '7TH AVE',
    'E HOUSTON ST',
    'W 125TH ST',
    'VARICK ST',
  ],
  BROOKLYN: [
    'FLATBUSH AVE',
    'ATLANTIC AVE',
    'OCEAN PKWY',
    'KINGS HWY',
    'BEDFORD AVE',
    'FULTON ST',
    'EASTERN PKWY',
    '4TH AVE',
    'CONEY ISLAND AVE',
    'NOSTRAND AVE',
  ],
  QUEENS: [
    'QUEENS BLVD',
    'NORTHERN BLVD',
    'ROOSEVELT AVE',
    'JAMAICA AVE',
    'MAIN ST',
    'ASTORIA BLVD',
    'HILLSIDE AVE',
    'WOODHAVEN BLVD',
    'JUNCTION BLVD',
    '94TH ST',
    'VAN WYCK EXPWY SR',
  ],
  BRONX: ['GRAND CONCOURSE', 'FORDHAM RD', 'E TREMONT AVE', 'WHITE PLAINS RD', 'JEROME AVE', 'BRUCKNER BLVD', 'E 149TH ST', 'WEBSTER AVE'],
  'STATEN ISLAND': ['HYLAN BLVD', 'RICHMOND AVE', 'VICTORY BLVD', 'FOREST AVE', 'BAY ST', 'RICHMOND RD'],
};

/** Relative activity by hour of day (0..23): quiet before dawn, peaks at the commutes and evenings. */
export const HOUR_OF_DAY = new WeightedTable<number>(
  [3, 2, 1.5, 1, 1, 1.5, 3, 5, 6.5, 6.5, 6, 6, 6.5, 6.5, 6.5, 7, 7.5, 8, 8.5, 8.5, 8, 7, 6, 4.5].map(
    (weight, hour) => [hour, weight] as const,
  ),
);

// ---------------------------------------------------------------- EZPass

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

/** E-ZPass issuing agency prefixes of tag serials (NY CSC, MTA, PANYNJ, NJ). */
export const TAG_AGENCY_PREFIXES = ['004', '008', '009', '022'];

export const OTHER_PLATE_STATES = new WeightedTable<string>([
  ['NY', 70],
  ['NJ', 20],
  ['CT', 6],
  ['PA', 4],
]);

// ---------------------------------------------------------------- PVB

export interface ViolationCode {
  code: string;
  description: string;
  /** Fine in Manhattan at or below 96th St, in cents. */
  fineCents: number;
  /** Fine elsewhere, when the schedule differs. */
  fineElsewhereCents?: number;
  /** Issued by a camera, which prints summonses in a separate number range. */
  camera?: boolean;
}

const violation = (code: string, description: string, fine: number, elsewhere?: number, camera?: boolean): ViolationCode => ({
  code,
  description,
  fineCents: fine * 100,
  fineElsewhereCents: elsewhere === undefined ? undefined : elsewhere * 100,
  camera,
});

/** Real NYC DOF violation codes with their fine schedule, weighted roughly by how often fleets see them. */
export const VIOLATION_CODES = new WeightedTable<ViolationCode>([
  [violation('5', 'BUS LANE VIOLATION', 50, undefined, true), 8],
  [violation('7', 'FAILURE TO STOP AT RED LIGHT', 50, undefined, true), 9],
  [violation('9', 'OBSTRUCTING TRAFFIC/INTERSECT', 115), 2],
  [violation('10', 'NO STOPPING-DAY/TIME LIMITS', 115), 3],
  [violation('13', 'NO STANDING-TAXI STAND', 115), 1],
  [violation('14', 'NO STANDING-DAY/TIME LIMITS', 115), 12],
  [violation('16', 'NO STANDING-COMM METER ZONE', 115, 95), 3],
  [violation('17', 'NO STANDING-EXC. AUTH. VEHICLE', 95), 2],
  [violation('18', 'NO STANDING-BUS LANE', 115), 3],
  [violation('19', 'NO STANDING-BUS STOP', 115), 4],
  [violation('20', 'NO PARKING-DAY/TIME LIMITS', 65, 60), 4],
  [violation('21', 'NO PARKING-STREET CLEANING', 65, 45), 8],
  [violation('31', 'NO STANDING-COMM METER ZONE', 115), 2],
  [violation('36', 'PHTO SCHOOL ZN SPEED VIOLATION', 50, undefined, true), 14],
  [violation('37', 'EXPIRED MUNI METER', 65, 35), 3],
  [violation('38', 'FAIL TO DSPLY MUNI METER RECPT', 65, 35), 5],
  [violation('40', 'FIRE HYDRANT', 115), 5],
  [violation('46', 'DOUBLE PARKING', 115), 8],
  [violation('48', 'BIKE LANE', 115), 3],
  [violation('50', 'CROSSWALK', 115), 2],
  [violation('51', 'SIDEWALK', 115), 1],
  [violation('67', 'PEDESTRIAN RAMP', 165), 1],
  [violation('68', 'NON-COMPLIANCE W/ POSTED SIGN', 65), 1],
  [violation('70', 'REG. STICKER-EXPIRED/MISSING', 65), 1],
  [violation('71', 'INSP. STICKER-EXPIRED/MISSING', 65), 2],
  [violation('98', 'OBSTRUCTING DRIVEWAY', 95), 2],
]);

export const PVB_STATUS = new WeightedTable<string>([
  ['OPEN', 28],
  ['PAID', 57],
  ['HEARING_PENDING', 8],
  ['DISMISSED', 7],
]);

/** Late penalties accrue at 30/60/90 days ($10, +$20, +$30). */
export const OPEN_PENALTY_CENTS = new WeightedTable<number>([
  [0, 55],
  [1000, 20],
  [3000, 15],
  [6000, 10],
]);
export const PAID_PENALTY_CENTS = new WeightedTable<number>([
  [0, 85],
  [1000, 10],
  [3000, 5],
]);

// ---------------------------------------------------------------- CURB

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

// ---------------------------------------------------------------- Fleet

export interface FleetDriver {
  driverId: string;
  name: string;
  medallion: string;
  vin: string;
  plate: string;
  tagNumber: string;
}

const FIRST_NAMES = [
  'Mohammed',
  'José',
  'Ahmed',
  'Wei',
  'Rajesh',
  'Kwame',
  'Luis',
  'Ivan',
  'Singh',
  'Abdul',
  'Carlos',
  'Sergei',
  'Jean',
  'Mamadou',
  'Hector',
  'David',
  'Michael',
  'Gurpreet',
  'Yusuf',
  'Andre',
  'Marie',
  'Fatima',
  'Anna',
  'Grace',
];
const LAST_NAMES = [
  'Rahman',
  'Hossain',
  'Rodriguez',
  'Chen',
  'Patel',
  'Mensah',
  'Diallo',
  'Gonzalez',
  'Khan',
  'Ivanov',
  'Pierre',
  'Lopez',
  'Ali',
  'Singh',
  'Kim',
  'Smith',
  'Johnson',
  'Cohen',
  'Haddad',
  'Nowak',
  'Traoré',
  'Peña',
  'Müller',
  'Ng',
];
/** Placed at fixed fleet positions so even the smallest fleet exercises UTF-8 in every export format. */
const NON_ASCII_NAMES: Record<number, string> = {
  2: 'José Núñez',
  5: 'Zoë Łukasz',
  9: 'Mehmet Öztürk',
  14: 'Nguyễn Văn Minh',
  17: 'Björn Ångström',
};

/** Medallions: digit 1–9, letter (no I/O/Q, easily misread), two digits; walked by a fixed permutation so no two drivers share one. */
const MEDALLION_LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const MEDALLION_SPACE = 9 * MEDALLION_LETTERS.length * 100;

export const MAX_FLEET_SIZE = MEDALLION_SPACE;

function medallionAt(k: number): string {
  const m = (k * 7_919 + 4_321) % MEDALLION_SPACE; // 7919 is prime, so coprime with the space size
  const letters = MEDALLION_LETTERS.length;
  return `${1 + (m % 9)}${MEDALLION_LETTERS[Math.floor(m / 9) % letters]}${String(Math.floor(m / (9 * letters))).padStart(2, '0')}`;
}

function plateAt(k: number): string {
  return `T${100_000 + ((k * 104_729 + 12_345) % 700_000)}C`; // 104729 is prime and coprime with 700,000
}

/** Driver k (1-based) is the same person, cab and tag whatever the seed or fleet size, so appended runs stay coherent. */
export function fleetDriver(k: number): FleetDriver {
  const random = new SeededRandom(deriveSeed('fleet-driver', k));
  const name = NON_ASCII_NAMES[k] ?? `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`;
  return {
    driverId: formatDriverId(k),
    name,
    medallion: medallionAt(k),
    vin: random.vin(),
    plate: plateAt(k),
    tagNumber: `${random.pick(TAG_AGENCY_PREFIXES)}${String(10_000_000 + k * 37).padStart(8, '0')}`,
  };
}

/** Inverse of `formatDriverId`, for names looked up after SQL aggregation; undefined for ids not made by the seeder. */
export function fleetDriverName(driverId: string): string | undefined {
  const match = /^D(\d{6})$/.exec(driverId);
  const k = match ? Number(match[1]) : 0;
  return k >= 1 && k <= MAX_FLEET_SIZE ? fleetDriver(k).name : undefined;
}

export function fleetSize(rows: number): number {
  return Math.min(MAX_FLEET_SIZE, Math.max(20, Math.floor(rows / 500)));
}
