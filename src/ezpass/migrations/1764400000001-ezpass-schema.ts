import type { MigrationInterface, QueryRunner } from 'typeorm';
import { fleetRefs, id, money, single, table, varchar } from '../../database/schema-kit';

/** The EZPass tolls table, as the service's first release created it. */
export class EzpassSchema1764400000001 implements MigrationInterface {
  name = 'EzpassSchema1764400000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      table(
        'ezpass_transactions',
        [
          id,
          varchar('transaction_id', 32),
          ['transaction_date', 'datetime'],
          ['posting_date', 'date'],
          varchar('plate_number', 16),
          varchar('plate_state', 2),
          varchar('tag_number', 20),
          varchar('agency', 16),
          varchar('entry_plaza', 48),
          varchar('exit_plaza', 48, true),
          varchar('vehicle_class', 8),
          money('amount'),
          varchar('status', 24),
          ...fleetRefs,
          ['created_at', 'datetime'],
        ],
        [
          { columns: ['transaction_id'], unique: true },
          { columns: ['posting_date', 'id'] },
          ...single('transaction_date', 'plate_number', 'entry_plaza', 'status', 'driver_id', 'medallion_no', 'vin'),
        ],
      ),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('ezpass_transactions', true);
  }
}
