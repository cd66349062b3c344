import { Injectable } from '@nestjs/common';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { exportColumn } from '../exports/query/export-columns';
import { ExportQuery } from '../exports/query/export-query.decorator';
import type { ExportColumn, ExportQueryProvider, FilterSpec } from '../exports/query/export-query.provider';
import { Driver } from '../fleet/driver.entity';
import { driverName } from '../fleet/fleet-columns';
import { FINANCE_ROLE } from './finance-role';
import { LedgerPosting } from './ledger-posting.entity';

/** Grouping keys: one balance per driver, medallion, cab and category (the postings index's leading columns). */
const GROUP_KEYS = ['p.driver_id', 'p.medallion_no', 'p.vin', 'p.category'];
const DEBITS = "ROUND(SUM(CASE WHEN p.entry_type = 'DEBIT' THEN p.amount ELSE 0 END), 2)";
const CREDITS = "ROUND(SUM(CASE WHEN p.entry_type = 'CREDIT' THEN p.amount ELSE 0 END), 2)";
const BALANCE = `(${DEBITS} - ${CREDITS})`;

/**
 * Balances computed from the postings when the export runs (in its snapshot, like every export):
 * date, category and fleet filters choose the postings before grouping (`to_posting_date` is "as
 * of"), balance filters choose among the grouped rows. Written against the query contract
 * directly, as a back office's own aggregate would be.
 */
@ExportQuery()
@Injectable()
export class LedgerBalancesExportQuery implements ExportQueryProvider {
  readonly exportType = 'LEDGER_BALANCES';
  readonly title = 'Ledger balances';
  readonly fileStem = 'ledger_balances';
  readonly requiredRole = FINANCE_ROLE;
  readonly orderBy = GROUP_KEYS;

  readonly columns: readonly ExportColumn[] = [
    exportColumn({ key: 'driver_id', type: 'text', expression: 'p.driver_id', length: 16 }),
    // one driver per group, so any aggregate of the joined name is that name
    exportColumn({ key: 'driver_name', type: 'text', expression: `MAX(${driverName('driver')})`, length: 32 }),
    exportColumn({ key: 'medallion_no', type: 'text', expression: 'p.medallion_no', length: 8 }),
    exportColumn({ key: 'vin', type: 'text', expression: 'p.vin', length: 17 }),
    exportColumn({ key: 'category', type: 'text', expression: 'p.category', length: 16 }),
    exportColumn({ key: 'total_debits', header: 'Debits', type: 'decimal', expression: DEBITS }),
    exportColumn({ key: 'total_credits', header: 'Credits', type: 'decimal', expression: CREDITS }),
    exportColumn({ key: 'balance', type: 'decimal', expression: BALANCE }),
    exportColumn({ key: 'posting_count', header: 'Postings', type: 'integer', expression: 'COUNT(*)' }),
    exportColumn({ key: 'first_posting_date', type: 'datetime', expression: 'MIN(p.posting_date)' }),
    exportColumn({ key: 'last_posting_date', type: 'datetime', expression: 'MAX(p.posting_date)' }),
  ];

  readonly filters: readonly FilterSpec[] = [
    { name: 'posting_date', kind: 'date', expression: 'p.posting_date', stage: 'where' },
    { name: 'balance', kind: 'amount', expression: BALANCE, stage: 'having', column: 'balance' },
    ...['category', 'driver_id', 'medallion_no', 'vin'].map((name): FilterSpec => ({
      name,
      kind: 'values',
      expression: `p.${name}`,
      stage: 'where',
      column: name,
    })),
  ];

  query(qb: SelectQueryBuilder<ObjectLiteral>): SelectQueryBuilder<ObjectLiteral> {
    qb.from(LedgerPosting, 'p').leftJoin(Driver, 'driver', 'driver.driver_id = p.driver_id');
    return GROUP_KEYS.reduce((grouped, key, index) => (index === 0 ? grouped.groupBy(key) : grouped.addGroupBy(key)), qb);
  }
}
