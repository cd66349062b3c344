import type { MigrationInterface, QueryRunner } from 'typeorm';
import { fleetRefs, id, money, single, table, varchar } from '../../database/schema-kit';

/** The CURB trips table, as the service's first release created it. */
export class CurbSchema1764400000003 implements MigrationInterface {
  name = 'CurbSchema1764400000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      table(
        'curb_trips',
        [
          id,
          varchar('trip_id', 24),
          ['start_time', 'datetime'],
          ['end_time', 'datetime'],
          varchar('pickup_borough', 16),
          varchar('dropoff_borough', 16),
          ['distance_miles', 'decimal', { precision: 6, scale: 2 }],
          money('fare_amount'),
          money('tip_amount'),
          money('tolls_amount'),
          money('total_amount'),
          varchar('payment_type', 12),
          varchar('status', 16),
          ...fleetRefs,
          ['created_at', 'datetime'],
        ],
        [
          { columns: ['trip_id'], unique: true },
          { columns: ['start_time', 'id'] },
          ...single('payment_type', 'status', 'driver_id', 'medallion_no', 'vin'),
        ],
      ),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('curb_trips', true);
  }
}
