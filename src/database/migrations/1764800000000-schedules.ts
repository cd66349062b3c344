import { Table } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Scheduled exports. Portable like the first migration. */
export class Schedules1764800000000 implements MigrationInterface {
  name = 'Schedules1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'export_schedules',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '64' },
          { name: 'name', type: 'varchar', length: '100', isNullable: true },
          { name: 'cron', type: 'varchar', length: '128' },
          { name: 'timezone', type: 'varchar', length: '64' },
          { name: 'request', type: 'text' },
          { name: 'created_at', type: 'datetime' },
          { name: 'last_run_at', type: 'datetime', isNullable: true },
          { name: 'last_export_id', type: 'integer', isNullable: true },
        ],
        indices: [{ name: 'IDX_export_schedules_user_id', columnNames: ['user_id', 'created_at'] }],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('export_schedules', true);
  }
}
