import { Injectable } from '@nestjs/common';
import { ExportQuery } from '../exports/query/export-query.decorator';
import type { ExportColumn, ExportQueryProvider, FilterSpec } from '../exports/query/export-query.provider';
import { FLEET_COLUMNS, FLEET_FILTERS, ID_COLUMN } from '../fleet/fleet-fields';

@ExportQuery()
@Injectable()
export class LedgerBalancesExportQuery implements ExportQueryProvider {
  readonly exportType = 'LEDGER_BALANCES';
  readonly title = 'Ledger balances';
  readonly fileStem = 'ledger_balances';
  readonly table = 'ledger_balances';
  readonly orderBy = ['driver_id', 'medallion_no', 'category', 'id'];

  readonly columns: ExportColumn[] = [
    ID_COLUMN,
    ...FLEET_COLUMNS.slice(0, 1),
    { key: 'driver_name', header: 'Driver Name', type: 'text', width: 22 },
    ...FLEET_COLUMNS.slice(1),
    { key: 'category', header: 'Category', type: 'text', width: 10 },
    { key: 'total_debits', header: 'Debits', type: 'decimal', width: 12 },
    { key: 'total_credits', header: 'Credits', type: 'decimal', width: 12 },
    { key: 'balance', header: 'Balance', type: 'decimal', width: 12 },
    { key: 'posting_count', header: 'Postings', type: 'integer', width: 9 },
    { key: 'first_posting_date', header: 'First Posting', type: 'datetime', width: 20 },
    { key: 'last_posting_date', header: 'Last Posting', type: 'datetime', width: 20 },
    { key: 'updated_at', header: 'Updated At', type: 'datetime', width: 20, optional: true },
  ];

  readonly filters: FilterSpec[] = [{ name: 'balance', kind: 'amount' }, { name: 'category', kind: 'values' }, ...FLEET_FILTERS];
}
