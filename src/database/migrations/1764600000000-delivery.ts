import { TableColumn } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-export delivery options: gzip compression, notification targets, and the schedule that made it. */
export class Delivery1764600000000 implements MigrationInterface {
  name = 'Delivery1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('export_jobs', [
      new TableColumn({ name: 'compression', type: 'varchar', length: '8', isNullable: true }),
      new TableColumn({ name: 'notify', type: 'text', isNullable: true }),
      new TableColumn({ name: 'schedule_id', type: 'varchar', length: '36', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('export_jobs', ['compression', 'notify', 'schedule_id']);
  }
}
