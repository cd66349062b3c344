import type { MigrationInterface, QueryRunner } from 'typeorm';
import { table, varchar } from '../../database/schema-kit';

/** The fleet's reference tables: drivers, medallions and vehicles. */
export class FleetSchema1765100000000 implements MigrationInterface {
  name = 'FleetSchema1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const primary = { isPrimary: true, isNullable: false };
    await queryRunner.createTable(
      table('drivers', [
        ['driver_id', 'varchar', { length: '16', ...primary }],
        varchar('first_name', 48, true),
        varchar('last_name', 48, true),
        varchar('tlc_license_no', 16, true),
        varchar('status', 16, true),
      ]),
      true,
    );
    await queryRunner.createTable(
      table('medallions', [
        ['medallion_no', 'varchar', { length: '8', ...primary }],
        varchar('owner_name', 64, true),
        varchar('medallion_type', 16, true),
      ]),
      true,
    );
    await queryRunner.createTable(
      table('vehicles', [
        ['vin', 'varchar', { length: '17', ...primary }],
        varchar('plate_number', 16, true),
        varchar('make', 24, true),
        varchar('model', 32, true),
        ['model_year', 'int', { isNullable: true }],
      ]),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const name of ['vehicles', 'medallions', 'drivers']) await queryRunner.dropTable(name, true);
  }
}
