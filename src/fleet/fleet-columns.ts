/** What every fleet record's export shares: the fleet tables joined to it, and its fleet columns and filters. */
import type { ExportJoin } from '../exports/query/declared-export-query';
import { Driver } from './driver.entity';
import { Medallion } from './medallion.entity';
import { Vehicle } from './vehicle.entity';

/** "First Last", or null when the driver (or both names) are unknown; the same on MySQL and SQLite 3.44+. */
export const driverName = (alias: string): string => `NULLIF(CONCAT_WS(' ', ${alias}.first_name, ${alias}.last_name), '')`;

/** A record's driver, for `driver_name` ("First Last"). */
export const DRIVER_JOIN: ExportJoin = {
  alias: 'driver',
  entity: Driver,
  key: 'driver_id',
  references: 'driver_id',
  columns: { driver_name: { type: 'text', expression: driverName('driver'), length: 32 } },
};

/** A record's medallion, for `medallion_owner`. */
export const MEDALLION_JOIN: ExportJoin = {
  alias: 'medallion',
  entity: Medallion,
  key: 'medallion_no',
  references: 'medallion_no',
  columns: { medallion_owner: { type: 'text', expression: 'medallion.owner_name', length: 32 } },
};

/** A record's cab, for `vehicle` ("Make Model"). */
export const VEHICLE_JOIN: ExportJoin = {
  alias: 'vehicle',
  entity: Vehicle,
  key: 'vin',
  references: 'vin',
  columns: { vehicle: { type: 'text', expression: "NULLIF(CONCAT_WS(' ', vehicle.make, vehicle.model), '')", length: 24 } },
};

/** The fleet tables joined to a declared export of a fleet record (one with driver_id, medallion_no and vin). */
export const FLEET_JOINS: readonly ExportJoin[] = [DRIVER_JOIN, MEDALLION_JOIN, VEHICLE_JOIN];

/** Fleet columns in file order: each reference, followed by what is joined through it. */
export const FLEET_COLUMNS = ['driver_id', 'driver_name', 'medallion_no', 'medallion_owner', 'vin', 'vehicle'] as const;
/** Joined columns left out unless asked for. */
export const FLEET_OPTIONAL_COLUMNS = ['medallion_owner', 'vehicle'] as const;
/** Exact-match filters on the references. */
export const FLEET_FILTERS = ['driver_id', 'medallion_no', 'vin'] as const;
