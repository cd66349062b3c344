import { TableColumn } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A schedule records the occurrences it skipped because its owner had as many exports running as allowed. */
export class ScheduleSkips1765300000100 implements MigrationInterface {
  name = 'ScheduleSkips1765300000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('export_schedules', [
      new TableColumn({ name: 'skipped_runs', type: 'integer', default: 0 }),
      new TableColumn({ name: 'last_skipped_at', type: 'datetime', isNullable: true }),
      new TableColumn({ name: 'last_skip_reason', type: 'varchar', length: '255', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('export_schedules', ['skipped_runs', 'last_skipped_at', 'last_skip_reason']);
  }
}
