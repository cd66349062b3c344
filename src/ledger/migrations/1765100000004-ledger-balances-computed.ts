import { TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { adoptFleetReferences, dropFleetReferences } from '../../fleet/fleet-references';

/** Balances group postings by these columns; the index also covers what the sums read, so the scan never leaves it. */
const BALANCE_GROUPS_INDEX = {
  name: 'IDX_ledger_postings_balance_groups',
  columnNames: ['driver_id', 'medallion_no', 'vin', 'category', 'posting_date', 'entry_type', 'amount'],
};

/**
 * Balances are computed from the postings when an export runs, so the stored `ledger_balances`
 * (which nothing kept up to date) goes. The driver names it held (the only copy, filled by the
 * seeder) move to `drivers` first. Postings' fleet columns become foreign keys, and an index in
 * grouping order lets a balances export stream its groups without sorting.
 */
export class LedgerBalancesComputed1765100000004 implements MigrationInterface {
  name = 'LedgerBalancesComputed1765100000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await adoptFleetReferences(queryRunner, 'ledger_postings');
    if (await queryRunner.hasTable('ledger_balances')) {
      const named = (await queryRunner.query(
        'SELECT DISTINCT driver_id, driver_name FROM ledger_balances WHERE driver_id IS NOT NULL AND driver_name IS NOT NULL',
      )) as { driver_id: string; driver_name: string }[];
      for (const { driver_id: driverId, driver_name: name } of named) {
        const [first, ...rest] = name.split(' ');
        await queryRunner.query(
          'UPDATE drivers SET first_name = ?, last_name = ? WHERE driver_id = ? AND first_name IS NULL AND last_name IS NULL',
          [first, rest.length > 0 ? rest.join(' ') : null, driverId],
        );
      }
      await queryRunner.dropTable('ledger_balances');
    }
    await queryRunner.createIndex('ledger_postings', new TableIndex(BALANCE_GROUPS_INDEX));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('ledger_postings', BALANCE_GROUPS_INDEX.name);
    await dropFleetReferences(queryRunner, 'ledger_postings');
  }
}
