import { Table } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The notification outbox: at most one row per export, channel and outcome. */
export class Notifications1764700000000 implements MigrationInterface {
  name = 'Notifications1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'export_notifications',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'export_id', type: 'integer' },
          { name: 'channel', type: 'varchar', length: '8' },
          { name: 'outcome', type: 'varchar', length: '16' },
          { name: 'event_id', type: 'varchar', length: '36' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'last_error', type: 'text', isNullable: true },
          { name: 'created_at', type: 'datetime' },
          { name: 'delivered_at', type: 'datetime', isNullable: true },
        ],
        indices: [{ name: 'IDX_export_notifications_outcome', columnNames: ['export_id', 'channel', 'outcome'], isUnique: true }],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('export_notifications', true);
  }
}
