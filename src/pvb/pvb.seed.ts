/** PVB demo data: real NYC DOF violation codes, fines and streets, matched to the fleet's plates. */
import type { DomainSeed } from '../database/seed/domain-seed';
import { HOUR, appendGenerated, businessId, dayOf, notAfterEnd, streamFor, timeOn } from '../database/seed/generated-rows';
import type { RowPlan, RowSource } from '../database/seed/generated-rows';
import { BOROUGH_ACTIVITY, HOUR_OF_DAY, OTHER_PLATE_STATES } from '../database/seed/seed-data';
import type { Borough } from '../database/seed/seed-data';
import { WeightedTable, formatCents, formatDate, formatDateTime } from '../database/seed/seed-random';
import type { SeededRandom } from '../database/seed/seed-random';
import { Fleet, fleetSize } from '../fleet/fleet-roster';

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

const TABLE = 'pvb_violations';

/** The day a summons reached the back office, or null: not yet (awaiting a hearing, or issued too recently). */
function postingDay(status: string, day: number, plan: RowPlan, random: SeededRandom): string | null {
  if (status === 'HEARING_PENDING') return null;
  const posted = day + random.int(1, 21);
  return posted < plan.calendar.days ? formatDate(posted) : null;
}

function pvbRows(fleet: Fleet, plan: RowPlan): RowSource {
  const random = streamFor(plan, TABLE);
  let index = 0;
  return {
    columns: PVB_COLUMNS,
    writeRow(out) {
      const n = plan.offset + index + 1;
      const day = dayOf(index++, plan, random);
      const driver = fleet.pick(random);
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
        postingDay(status, day, plan, random),
        county,
        random.pick(STREETS[county]),
        formatCents(fine),
        formatCents(penalty),
        formatCents(status === 'DISMISSED' ? 0 : fine + penalty),
        status,
        driver ? driver.driverId : null,
        driver ? driver.medallion : null,
        driver ? driver.vin : null,
        formatDateTime(notAfterEnd(issuedAt + random.int(2 * HOUR, 72 * HOUR), plan)),
      );
    },
  };
}

/** One summons per row, most on fleet cabs' plates. */
export const pvbSeed: DomainSeed = {
  types: ['PVB'],
  run: (run) => {
    const fleet = new Fleet(fleetSize(run.rows));
    return appendGenerated(run, TABLE, (plan) => pvbRows(fleet, plan));
  },
};
