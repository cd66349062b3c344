import type { MigrationInterface, QueryRunner } from 'typeorm';
import { fleetRefs, id, money, single, table, varchar } from '../../database/schema-kit';

/** The PVB parking violations table, as the service's first release created it. */
export class PvbSchema1764400000002 implements MigrationInterface {
  name = 'PvbSchema1764400000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      table(
        'pvb_violations',
        [
          id,
          varchar('summons_number', 16),
          varchar('plate_number', 16),
          varchar('plate_state', 2),
          varchar('violation_code', 4),
          varchar('violation_description', 64),
          ['issue_date', 'datetime'],
          ['posting_date', 'date', { isNullable: true }],
          varchar('county', 16),
          varchar('street_name', 64),
          money('fine_amount'),
          money('penalty_amount'),
          money('amount_due'),
          varchar('status', 24),
          ...fleetRefs,
          ['created_at', 'datetime'],
        ],
        [
          { columns: ['summons_number'], unique: true },
          { columns: ['issue_date', 'id'] },
          ...single('posting_date', 'plate_number', 'violation_code', 'county', 'status', 'driver_id', 'medallion_no', 'vin'),
        ],
      ),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('pvb_violations', true);
  }
}
