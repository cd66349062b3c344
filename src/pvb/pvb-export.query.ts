import { Injectable } from '@nestjs/common';
import { ExportQuery } from '../exports/query/export-query.decorator';
import type { ExportColumn, ExportQueryProvider, FilterSpec } from '../exports/query/export-query.provider';
import { CREATED_AT_COLUMN, FLEET_COLUMNS, FLEET_FILTERS, ID_COLUMN } from '../fleet/fleet-fields';

@ExportQuery()
@Injectable()
export class PvbExportQuery implements ExportQueryProvider {
  readonly exportType = 'PVB';
  readonly title = 'Parking violations';
  readonly fileStem = 'pvb';
  readonly table = 'pvb_violations';
  readonly fileDateFilter = 'issue_date';
  readonly orderBy = ['issue_date', 'id'];

  readonly columns: ExportColumn[] = [
    ID_COLUMN,
    { key: 'summons_number', header: 'Summons Number', type: 'text', width: 14 },
    { key: 'issue_date', header: 'Issued', type: 'datetime', width: 20 },
    { key: 'posting_date', header: 'Posting Date', type: 'date', width: 12 },
    { key: 'plate_number', header: 'Plate', type: 'text', width: 12 },
    { key: 'plate_state', header: 'State', type: 'text', width: 6 },
    { key: 'violation_code', header: 'Code', type: 'text', width: 6 },
    { key: 'violation_description', header: 'Violation', type: 'text', width: 32 },
    { key: 'county', header: 'County', type: 'text', width: 14 },
    { key: 'street_name', header: 'Street', type: 'text', width: 24 },
    { key: 'fine_amount', header: 'Fine', type: 'decimal', width: 10 },
    { key: 'penalty_amount', header: 'Penalty', type: 'decimal', width: 10 },
    { key: 'amount_due', header: 'Amount Due', type: 'decimal', width: 11 },
    { key: 'status', header: 'Status', type: 'text', width: 16 },
    ...FLEET_COLUMNS,
    CREATED_AT_COLUMN,
  ];

  readonly filters: FilterSpec[] = [
    { name: 'issue_date', kind: 'date' },
    { name: 'posting_date', kind: 'date' },
    { name: 'amount', kind: 'amount', column: 'amount_due', description: 'Amount due' },
    { name: 'summons_number', kind: 'values' },
    { name: 'plate_number', kind: 'values' },
    { name: 'violation_code', kind: 'values' },
    { name: 'county', kind: 'values' },
    { name: 'status', kind: 'values' },
    ...FLEET_FILTERS,
  ];
}
