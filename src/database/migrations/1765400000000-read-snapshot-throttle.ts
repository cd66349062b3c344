import { TableColumn } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When an export's read snapshot was taken (on the server it reads from), and why its read is paused, if it is. */
export class ReadSnapshotThrottle1765400000000 implements MigrationInterface {
  name = 'ReadSnapshotThrottle1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('export_jobs', [
      new TableColumn({ name: 'snapshot_at', type: 'datetime', isNullable: true }),
      new TableColumn({ name: 'throttle_reason', type: 'varchar', length: '255', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('export_jobs', 'throttle_reason');
    await queryRunner.dropColumn('export_jobs', 'snapshot_at');
  }
}
