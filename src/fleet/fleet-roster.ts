/** The demo fleet: drivers, their medallions and cabs. Driver k is the same person, cab and tag in every seed run. */
import { TAG_AGENCY_PREFIXES } from '../database/seed/seed-data';
import { SeededRandom, WeightedTable, deriveSeed, formatDriverId } from '../database/seed/seed-random';

export interface FleetDriver {
  driverId: string;
  firstName: string;
  lastName: string;
  licenseNo: string;
  status: string;
  medallion: string;
  medallionOwner: string;
  medallionType: string;
  vin: string;
  plate: string;
  tagNumber: string;
  make: string;
  model: string;
  modelYear: number;
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
const NON_ASCII_NAMES: Record<number, readonly [first: string, last: string]> = {
  2: ['José', 'Núñez'],
  5: ['Zoë', 'Łukasz'],
  9: ['Mehmet', 'Öztürk'],
  14: ['Văn Minh', 'Nguyễn'],
  17: ['Björn', 'Ångström'],
};

const DRIVER_STATUS = new WeightedTable<string>([
  ['ACTIVE', 90],
  ['INACTIVE', 6],
  ['SUSPENDED', 4],
]);

/** Most medallions belong to fleet agents leasing to drivers; the rest to the driver who drives the cab. */
const MEDALLION_TYPE = new WeightedTable<string>([
  ['MINI-FLEET', 65],
  ['INDEPENDENT', 30],
  ['ACCESSIBLE', 5],
]);

const FLEET_AGENTS = [
  'BIG APPLE TAXI MANAGEMENT LLC',
  'MIDTOWN HACK CORP',
  'QUEENSBORO CAB LLC',
  'YELLOW STAR TRANSIT INC',
  'EMPIRE MEDALLION CORP',
  'FIVE BORO FLEET LLC',
  'HUDSON YARDS TAXI INC',
  'GREENPOINT CAB CO',
];

/** What a taxi VIN's manufacturer prefix (WMI) says about the cab, and its model-year letters. */
const TAXI_MODELS: Record<string, { make: string; model: string }> = {
  '4T1': { make: 'Toyota', model: 'Camry Hybrid' },
  JTD: { make: 'Toyota', model: 'Prius' },
  '5TD': { make: 'Toyota', model: 'Sienna' },
  '2T3': { make: 'Toyota', model: 'RAV4 Hybrid' },
  JN8: { make: 'Nissan', model: 'NV200' },
  '1FM': { make: 'Ford', model: 'Escape Hybrid' },
};
const TAXI_WMIS = Object.keys(TAXI_MODELS);
const MODEL_YEARS = 'JKLMNPR'; // 2018..2024

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

/** A taxi VIN whose prefix and year letter are those of a real taxi model, with a valid check digit. */
function taxiVin(random: SeededRandom): string {
  return random.vin(random.pick(TAXI_WMIS), random.pick([...MODEL_YEARS]));
}

/** Driver k (1-based) is the same person, cab and tag whatever the seed or fleet size, so appended runs stay coherent. */
export function fleetDriver(k: number): FleetDriver {
  const random = new SeededRandom(deriveSeed('fleet-driver', k));
  const [firstName, lastName] = NON_ASCII_NAMES[k] ?? [random.pick(FIRST_NAMES), random.pick(LAST_NAMES)];
  const vin = taxiVin(random);
  const tagNumber = `${random.pick(TAG_AGENCY_PREFIXES)}${String(10_000_000 + k * 37).padStart(8, '0')}`;
  const status = random.weighted(DRIVER_STATUS);
  const medallionType = random.weighted(MEDALLION_TYPE);
  const agent = random.pick(FLEET_AGENTS);
  return {
    driverId: formatDriverId(k),
    firstName,
    lastName,
    licenseNo: String(5_000_000 + k * 3),
    status,
    medallion: medallionAt(k),
    medallionOwner: medallionType === 'INDEPENDENT' ? `${firstName} ${lastName}`.toUpperCase() : agent,
    medallionType,
    vin,
    plate: plateAt(k),
    tagNumber,
    ...TAXI_MODELS[vin.slice(0, 3)],
    modelYear: 2018 + MODEL_YEARS.indexOf(vin[9]),
  };
}

/** About one driver per 500 rows of each source table, at least 20. */
export function fleetSize(rows: number): number {
  return Math.min(MAX_FLEET_SIZE, Math.max(20, Math.floor(rows / 500)));
}

const UNASSIGNED_SHARE = 0.05;

/** The drivers a seed run's rows are matched to. */
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
