import type { ExportColumn, FilterSpec } from '../exports/query/export-query.provider';

/** Driver, medallion and vehicle: the references every fleet record carries. */
export const FLEET_COLUMNS: readonly ExportColumn[] = [
  { key: 'driver_id', header: 'Driver ID', type: 'text', width: 10 },
  { key: 'medallion_no', header: 'Medallion', type: 'text', width: 10 },
  { key: 'vin', header: 'VIN', type: 'text', width: 19 },
];

export const FLEET_FILTERS: readonly FilterSpec[] = [
  { name: 'driver_id', kind: 'values' },
  { name: 'medallion_no', kind: 'values' },
  { name: 'vin', kind: 'values' },
];

export const ID_COLUMN: ExportColumn = { key: 'id', header: 'ID', type: 'integer', width: 10, optional: true };
export const CREATED_AT_COLUMN: ExportColumn = { key: 'created_at', header: 'Created At', type: 'datetime', width: 20, optional: true };
