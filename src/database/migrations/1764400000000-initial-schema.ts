import type { MigrationInterface, QueryRunner } from 'typeorm';
import { id, table, varchar } from '../schema-kit';

/**
 * The engine's jobs table. (Until the domain modules owned their migrations, this one also created
 * the source tables; those parts now live, unchanged, in each domain's first migration, so a
 * database migrated by either version ends up the same.)
 */
export class InitialSchema1764400000000 implements MigrationInterface {
  name = 'InitialSchema1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      table(
        'export_jobs',
        [
          id,
          varchar('user_id', 64),
          varchar('export_type', 32),
          varchar('format', 8),
          ['filters', 'text'],
          ['columns', 'text', { isNullable: true }],
          varchar('status', 16),
          ['progress', 'int', { default: 0 }],
          ['processed_records', 'int', { default: 0 }],
          ['total_records', 'int', { isNullable: true }],
          ['attempts', 'int', { default: 0 }],
          ['error', 'text', { isNullable: true }],
          varchar('file_name', 255, true),
          ['file_size', 'bigint', { isNullable: true }],
          varchar('storage_key', 128, true),
          varchar('claim_token', 36, true),
          varchar('worker_id', 128, true),
          ['heartbeat_at', 'datetime', { isNullable: true }],
          ['created_at', 'datetime'],
          ['started_at', 'datetime', { isNullable: true }],
          ['completed_at', 'datetime', { isNullable: true }],
        ],
        [{ columns: ['user_id', 'id'] }, { columns: ['status', 'heartbeat_at'] }],
      ),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('export_jobs', true);
  }
}
