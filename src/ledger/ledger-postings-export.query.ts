import { Injectable } from '@nestjs/common';
import { ExportQuery } from '../exports/query/export-query.decorator';
import type { ExportColumn, ExportQueryProvider, FilterSpec } from '../exports/query/export-query.provider';
import { CREATED_AT_COLUMN, FLEET_COLUMNS, FLEET_FILTERS, ID_COLUMN } from '../fleet/fleet-fields';

@ExportQuery()
@Injectable()
export class LedgerPostingsExportQuery implements ExportQueryProvider {
  readonly exportType = 'LEDGER_POSTINGS';
  readonly title = 'Ledger postings';
  readonly fileStem = 'ledger_postings';
  readonly table = 'ledger_postings';
  readonly fileDateFilter = 'posting_date';
  readonly orderBy = ['posting_date', 'id'];

  readonly columns: ExportColumn[] = [
    ID_COLUMN,
    { key: 'posting_id', header: 'Posting ID', type: 'text', width: 14 },
    { key: 'posting_date', header: 'Posted', type: 'datetime', width: 20 },
    { key: 'category', header: 'Category', type: 'text', width: 10 },
    { key: 'entry_type', header: 'Debit/Credit', type: 'text', width: 12 },
    { key: 'amount', header: 'Amount', type: 'decimal', width: 12 },
    { key: 'status', header: 'Status', type: 'text', width: 10 },
    { key: 'reference_type', header: 'Reference Type', type: 'text', width: 20 },
    { key: 'reference_id', header: 'Reference', type: 'text', width: 16 },
    { key: 'description', header: 'Description', type: 'text', width: 40 },
    ...FLEET_COLUMNS,
    CREATED_AT_COLUMN,
  ];

  readonly filters: FilterSpec[] = [
    { name: 'posting_date', kind: 'date' },
    { name: 'amount', kind: 'amount' },
    { name: 'posting_id', kind: 'values' },
    { name: 'category', kind: 'values' },
    { name: 'entry_type', kind: 'values' },
    { name: 'status', kind: 'values' },
    { name: 'reference_id', kind: 'values' },
    ...FLEET_FILTERS,
  ];
}
