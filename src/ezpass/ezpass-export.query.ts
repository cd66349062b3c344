import { Injectable } from '@nestjs/common';
import { DeclaredExportQuery } from '../exports/query/declared-export-query';
import { ExportQuery } from '../exports/query/export-query.decorator';
import { FLEET_COLUMNS, FLEET_FILTERS, FLEET_JOINS, FLEET_OPTIONAL_COLUMNS } from '../fleet/fleet-columns';
import { EzpassTransaction } from './ezpass-transaction.entity';

@ExportQuery()
@Injectable()
export class EzpassExportQuery extends DeclaredExportQuery {
  constructor() {
    super({
      exportType: 'EZPASS',
      title: 'EZPass tolls',
      entity: EzpassTransaction,
      columns: ['id', 'transaction_id', 'transaction_date', 'posting_date', 'plate_number', 'plate_state', 'tag_number', 'agency'].concat([
        'entry_plaza',
        'exit_plaza',
        'vehicle_class',
        'amount',
        'status',
        ...FLEET_COLUMNS,
        'created_at',
      ]),
      optional: ['id', 'created_at', ...FLEET_OPTIONAL_COLUMNS],
      headers: { plate_number: 'Plate', plate_state: 'State', tag_number: 'Tag', vehicle_class: 'Class' },
      joins: FLEET_JOINS,
      filters: {
        date: ['posting_date', 'transaction_date'],
        amount: ['amount'],
        values: ['plate_number', 'transaction_id', 'entry_plaza', 'status', ...FLEET_FILTERS, 'medallion_owner'],
      },
      orderBy: ['posting_date', 'id'],
      fileDateFilter: 'posting_date',
    });
  }
}
