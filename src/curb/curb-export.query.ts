import { Injectable } from '@nestjs/common';
import { ExportQuery } from '../exports/query/export-query.decorator';
import type { ExportColumn, ExportQueryProvider, FilterSpec } from '../exports/query/export-query.provider';
import { CREATED_AT_COLUMN, FLEET_COLUMNS, FLEET_FILTERS, ID_COLUMN } from '../fleet/fleet-fields';

@ExportQuery()
@Injectable()
export class CurbExportQuery implements ExportQueryProvider {
  readonly exportType = 'CURB';
  readonly title = 'CURB trips';
  readonly fileStem = 'curb';
  readonly table = 'curb_trips';
  readonly fileDateFilter = 'trip_date';
  readonly orderBy = ['start_time', 'id'];

  readonly columns: ExportColumn[] = [
    ID_COLUMN,
    { key: 'trip_id', header: 'Trip ID', type: 'text', width: 16 },
    { key: 'start_time', header: 'Start', type: 'datetime', width: 20 },
    { key: 'end_time', header: 'End', type: 'datetime', width: 20 },
    { key: 'pickup_borough', header: 'Pickup', type: 'text', width: 14 },
    { key: 'dropoff_borough', header: 'Dropoff', type: 'text', width: 14 },
    { key: 'distance_miles', header: 'Miles', type: 'decimal', width: 8 },
    { key: 'fare_amount', header: 'Fare', type: 'decimal', width: 10 },
    { key: 'tip_amount', header: 'Tip', type: 'decimal', width: 10 },
    { key: 'tolls_amount', header: 'Tolls', type: 'decimal', width: 10 },
    { key: 'total_amount', header: 'Total', type: 'decimal', width: 10 },
    { key: 'payment_type', header: 'Payment', type: 'text', width: 10 },
    { key: 'status', header: 'Status', type: 'text', width: 12 },
    ...FLEET_COLUMNS,
    CREATED_AT_COLUMN,
  ];

  readonly filters: FilterSpec[] = [
    { name: 'trip_date', kind: 'date', column: 'start_time', description: 'Trip start' },
    { name: 'amount', kind: 'amount', column: 'total_amount', description: 'Trip total' },
    { name: 'trip_id', kind: 'values' },
    { name: 'payment_type', kind: 'values' },
    { name: 'status', kind: 'values' },
    ...FLEET_FILTERS,
  ];
}
