import { Injectable } from '@nestjs/common';
import { ExportQuery } from '../exports/query/export-query.decorator';
import { CREATED_AT_COLUMN, FLEET_COLUMNS, FLEET_FILTERS, ID_COLUMN } from '../fleet/fleet-fields';
import type { ExportColumn, ExportQueryProvider, FilterSpec } from '../exports/query/export-query.provider';

@ExportQuery()
@Injectable()
export class EzpassExportQuery implements ExportQueryProvider {
  readonly exportType = 'EZPASS';
  readonly title = 'EZPass tolls';
  readonly fileStem = 'ezpass';
  readonly table = 'ezpass_transactions';
  readonly fileDateFilter = 'posting_date';
  readonly orderBy = ['posting_date', 'id'];

  readonly columns: ExportColumn[] = [
    ID_COLUMN,
    { key: 'transaction_id', header: 'Transaction ID', type: 'text', width: 16 },
    { key: 'transaction_date', header: 'Transaction Date', type: 'datetime', width: 20 },
    { key: 'posting_date', header: 'Posting Date', type: 'date', width: 12 },
    { key: 'plate_number', header: 'Plate', type: 'text', width: 12 },
    { key: 'plate_state', header: 'State', type: 'text', width: 6 },
    { key: 'tag_number', header: 'Tag', type: 'text', width: 14 },
    { key: 'agency', header: 'Agency', type: 'text', width: 10 },
    { key: 'entry_plaza', header: 'Entry Plaza', type: 'text', width: 24 },
    { key: 'exit_plaza', header: 'Exit Plaza', type: 'text', width: 24 },
    { key: 'vehicle_class', header: 'Class', type: 'text', width: 6 },
    { key: 'amount', header: 'Amount', type: 'decimal', width: 10 },
    { key: 'status', header: 'Status', type: 'text', width: 18 },
    ...FLEET_COLUMNS,
    CREATED_AT_COLUMN,
  ];

  readonly filters: FilterSpec[] = [
    { name: 'posting_date', kind: 'date' },
    { name: 'transaction_date', kind: 'date' },
    { name: 'amount', kind: 'amount' },
    { name: 'plate_number', kind: 'values' },
    { name: 'transaction_id', kind: 'values' },
    { name: 'entry_plaza', kind: 'values' },
    { name: 'status', kind: 'values' },
    ...FLEET_FILTERS,
  ];
}
