import { Injectable } from '@nestjs/common';
import { DeclaredExportQuery } from '../exports/query/declared-export-query';
import { ExportQuery } from '../exports/query/export-query.decorator';
import { FLEET_COLUMNS, FLEET_FILTERS, FLEET_JOINS, FLEET_OPTIONAL_COLUMNS } from '../fleet/fleet-columns';
import { FINANCE_ROLE } from './finance-role';
import { LedgerPosting } from './ledger-posting.entity';

@ExportQuery()
@Injectable()
export class LedgerPostingsExportQuery extends DeclaredExportQuery {
  constructor() {
    super({
      exportType: 'LEDGER_POSTINGS',
      title: 'Ledger postings',
      requiredRole: FINANCE_ROLE,
      entity: LedgerPosting,
      columns: ['id', 'posting_id', 'posting_date', 'category', 'entry_type', 'amount', 'status', 'reference_type'].concat([
        'reference_id',
        'description',
        ...FLEET_COLUMNS,
        'created_at',
      ]),
      optional: ['id', 'created_at', ...FLEET_OPTIONAL_COLUMNS],
      joins: FLEET_JOINS,
      headers: { posting_date: 'Posted', entry_type: 'Debit/Credit', reference_id: 'Reference' },
      filters: {
        date: ['posting_date'],
        amount: ['amount'],
        values: ['posting_id', 'category', 'entry_type', 'status', 'reference_id', ...FLEET_FILTERS],
      },
      orderBy: ['posting_date', 'id'],
      fileDateFilter: 'posting_date',
    });
  }
}
