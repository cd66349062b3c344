import { Table, TableColumn, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Idempotency keys, expiry, the audit trail and the worker registry. Portable like the first one. */
export class Operations1764500000000 implements MigrationInterface {
  name = 'Operations1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('export_jobs', [
      new TableColumn({ name: 'idempotency_key', type: 'varchar', length: '128', isNullable: true }),
      new TableColumn({ name: 'request_hash', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'expires_at', type: 'datetime', isNullable: true }),
    ]);
    await queryRunner.createIndex(
      'export_jobs',
      new TableIndex({ name: 'IDX_export_jobs_user_id_idempotency_key', columnNames: ['user_id', 'idempotency_key'], isUnique: true }),
    );
    await queryRunner.createIndex(
      'export_jobs',
      new TableIndex({ name: 'IDX_export_jobs_status_expires_at', columnNames: ['status', 'expires_at'] }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'export_events',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'export_id', type: 'integer' },
          { name: 'user_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'event', type: 'varchar', length: '16' },
          { name: 'detail', type: 'text', isNullable: true },
          { name: 'created_at', type: 'datetime' },
        ],
        indices: [
          { name: 'IDX_export_events_export_id', columnNames: ['export_id', 'id'] },
          { name: 'IDX_export_events_created_at', columnNames: ['created_at'] },
        ],
      }),
      true,
    );

    await queryRunner.createTable(
      new Table({
        name: 'export_workers',
        columns: [
          { name: 'worker_id', type: 'varchar', length: '128', isPrimary: true },
          { name: 'hostname', type: 'varchar', length: '128' },
          { name: 'pid', type: 'integer' },
          { name: 'concurrency', type: 'integer' },
          { name: 'active_jobs', type: 'integer', default: 0 },
          { name: 'started_at', type: 'datetime' },
          { name: 'heartbeat_at', type: 'datetime' },
        ],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('export_workers', true);
    await queryRunner.dropTable('export_events', true);
    await queryRunner.dropIndex('export_jobs', 'IDX_export_jobs_status_expires_at');
    await queryRunner.dropIndex('export_jobs', 'IDX_export_jobs_user_id_idempotency_key');
    await queryRunner.dropColumns('export_jobs', ['idempotency_key', 'request_hash', 'expires_at']);
  }
}
