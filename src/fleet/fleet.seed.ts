/** Reference data first: every driver, medallion and cab the source tables' rows will point to. */
import type { DomainSeed, SeedRun } from '../database/seed/domain-seed';
import type { RowSource, SqlValue } from '../database/seed/generated-rows';
import { fleetDriver, fleetSize } from './fleet-roster';
import type { FleetDriver } from './fleet-roster';

interface ReferenceTable {
  table: string;
  key: keyof FleetDriver;
  columns: readonly string[];
  values(driver: FleetDriver): SqlValue[];
}

const REFERENCE_TABLES: readonly ReferenceTable[] = [
  {
    table: 'drivers',
    key: 'driverId',
    columns: ['driver_id', 'first_name', 'last_name', 'tlc_license_no', 'status'],
    values: (d) => [d.driverId, d.firstName, d.lastName, d.licenseNo, d.status],
  },
  {
    table: 'medallions',
    key: 'medallion',
    columns: ['medallion_no', 'owner_name', 'medallion_type'],
    values: (d) => [d.medallion, d.medallionOwner, d.medallionType],
  },
  {
    table: 'vehicles',
    key: 'vin',
    columns: ['vin', 'plate_number', 'make', 'model', 'model_year'],
    values: (d) => [d.vin, d.plate, d.make, d.model, String(d.modelYear)],
  },
];

function rowsOf(reference: ReferenceTable, drivers: readonly FleetDriver[]): RowSource {
  let next = 0;
  return { columns: reference.columns, writeRow: (out) => out.push(...reference.values(drivers[next++])) };
}

/** Adds the fleet's rows a table does not hold yet (a later, larger run grows the fleet). */
async function fillReferences(run: SeedRun, reference: ReferenceTable, fleet: readonly FleetDriver[]): Promise<number> {
  const keyColumn = reference.columns[0];
  const existing = new Set((await run.target.all(`SELECT ${keyColumn} AS k FROM ${reference.table}`)).map((row) => String(row.k)));
  const missing = fleet.filter((driver) => !existing.has(String(driver[reference.key])));
  await run.target.insertRows(rowsOf(reference, missing), reference.table, missing.length, (done) =>
    run.report(reference.table, done, missing.length),
  );
  return missing.length;
}

export const fleetSeed: DomainSeed = {
  run: async (run) => {
    const fleet = Array.from({ length: fleetSize(run.rows) }, (_, i) => fleetDriver(i + 1));
    const written: Record<string, number> = {};
    for (const reference of REFERENCE_TABLES) written[reference.table] = await fillReferences(run, reference, fleet);
    return written;
  },
};
