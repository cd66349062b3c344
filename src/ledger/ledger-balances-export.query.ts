import { Injectable } from '@nestjs/common';
import { DeclaredExportQuery } from '../exports/query/declared-export-query';
import { ExportQuery } from '../exports/query/export-query.decorator';
import { FLEET_KEYS } from '../fleet/fleet-fields';
import { LedgerBalance } from './ledger-balance.entity';

@ExportQuery()
@Injectable()
export class LedgerBalancesExportQuery extends DeclaredExportQuery {
  constructor() {
    super({
      exportType: 'LEDGER_BALANCES',
      title: 'Ledger balances',
      entity: LedgerBalance,
      columns: ['id', 'driver_id', 'driver_name', 'medallion_no', 'vin', 'category', 'total_debits', 'total_credits'].concat([
        'balance',
        'posting_count',
        'first_posting_date',
        'last_posting_date',
        'updated_at',
      ]),
      optional: ['id', 'updated_at'],
      headers: { total_debits: 'Debits', total_credits: 'Credits', posting_count: 'Postings' },
      filters: { amount: ['balance'], values: ['category', ...FLEET_KEYS] },
      orderBy: ['driver_id', 'medallion_no', 'category', 'id'],
    });
  }
}
