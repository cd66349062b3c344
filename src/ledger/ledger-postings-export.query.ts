import { Injectable } from '@nestjs/common';
import { DeclaredExportQuery } from '../exports/query/declared-export-query';
import { ExportQuery } from '../exports/query/export-query.decorator';
import { FLEET_KEYS } from '../fleet/fleet-fields';
import { LedgerPosting } from './ledger-posting.entity';

@ExportQuery()
@Injectable()
export class LedgerPostingsExportQuery extends DeclaredExportQuery {
  constructor() {
    super({
      exportType: 'LEDGER_POSTINGS',
      title: 'Ledger postings',
      entity: LedgerPosting,
      columns: ['id', 'posting_id', 'posting_date', 'category', 'entry_type', 'amount', 'status', 'reference_type'].concat([
        'reference_id',
        'description',
        ...FLEET_KEYS,
        'created_at',
      ]),
      optional: ['id', 'created_at'],
      headers: { posting_date: 'Posted', entry_type: 'Debit/Credit', reference_id: 'Reference' },
      filters: {
        date: ['posting_date'],
        amount: ['amount'],
        values: ['posting_id', 'category', 'entry_type', 'status', 'reference_id', ...FLEET_KEYS],
      },
      orderBy: ['posting_date', 'id'],
      fileDateFilter: 'posting_date',
    });
  }
}
