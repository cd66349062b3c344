/** What every fleet record's export shares: the fleet tables joined to it, and its fleet columns and filters. */
import type { ExportJoin } from '../exports/query/declared-export-query';
import { Driver } from './driver.entity';
import { Medallion } from './medallion.entity';
import { Vehicle } from './vehicle.entity';

/** "First Last", or null when the driver (or both names) are unknown; the same on MySQL and SQLite 3.44+. */
export const driverName = (alias: string): string => `NULLIF(CONCAT_WS(' ', ${alias}.first_name, ${alias}.last_name), '')`;

/** The fleet tables joined to a declared export's rows (`t`), with the columns read through them. */
export const FLEET_JOINS: readonly ExportJoin[] = [
  {
    alias: 'driver',
    entity: Driver,
    on: 'driver.driver_id = t.driver_id',
    columns: { driver_name: { type: 'text', expression: driverName('driver'), length: 64 } },
  },
  {
    alias: 'medallion',
    entity: Medallion,
    on: 'medallion.medallion_no = t.medallion_no',
    columns: { medallion_owner: { type: 'text', expression: 'medallion.owner_name', length: 32 } },
  },
  {
    alias: 'vehicle',
    entity: Vehicle,
    on: 'vehicle.vin = t.vin',
    columns: { vehicle: { type: 'text', expression: "NULLIF(CONCAT_WS(' ', vehicle.make, vehicle.model), '')", length: 24 } },
  },
];

/** Fleet columns in file order: each reference, followed by what is joined through it. */
export const FLEET_COLUMNS = ['driver_id', 'driver_name', 'medallion_no', 'medallion_owner', 'vin', 'vehicle'] as const;
/** Joined columns left out unless asked for. */
export const FLEET_OPTIONAL_COLUMNS = ['medallion_owner', 'vehicle'] as const;
/** Exact-match filters on the references. */
export const FLEET_FILTERS = ['driver_id', 'medallion_no', 'vin'] as const;
