import type { MigrationInterface, QueryRunner } from 'typeorm';
import { fleetRefs, id, money, single, table, varchar } from '../../database/schema-kit';

/**
 * The ledger's tables as the service's first release created them. `ledger_balances` was a stored
 * copy of sums that nothing kept up to date; LedgerBalancesComputed1765100000004 drops it.
 */
export class LedgerSchema1764400000004 implements MigrationInterface {
  name = 'LedgerSchema1764400000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      table(
        'ledger_postings',
        [
          id,
          varchar('posting_id', 24),
          ['posting_date', 'datetime'],
          varchar('category', 16),
          varchar('entry_type', 6),
          money('amount', 12),
          varchar('status', 16),
          varchar('reference_type', 24),
          varchar('reference_id', 32),
          varchar('description', 128),
          ...fleetRefs,
          ['created_at', 'datetime'],
        ],
        [
          { columns: ['posting_id'], unique: true },
          { columns: ['posting_date', 'id'] },
          ...single('category', 'entry_type', 'status', 'reference_id', 'driver_id', 'medallion_no', 'vin'),
        ],
      ),
      true,
    );
    await queryRunner.createTable(
      table(
        'ledger_balances',
        [
          id,
          varchar('driver_id', 16, true),
          varchar('driver_name', 64, true),
          varchar('medallion_no', 8, true),
          varchar('vin', 17, true),
          varchar('category', 16),
          money('total_debits', 14),
          money('total_credits', 14),
          money('balance', 14),
          ['posting_count', 'int'],
          ['first_posting_date', 'datetime', { isNullable: true }],
          ['last_posting_date', 'datetime', { isNullable: true }],
          ['updated_at', 'datetime'],
        ],
        [{ columns: ['driver_id', 'medallion_no', 'category', 'id'] }, ...single('medallion_no', 'vin', 'category', 'balance')],
      ),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('ledger_balances', true);
    await queryRunner.dropTable('ledger_postings', true);
  }
}
