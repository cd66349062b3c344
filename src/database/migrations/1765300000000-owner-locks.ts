import { Table } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per user who ever asked for an export or a schedule: MySQL requests lock it (SELECT ... FOR
 * UPDATE) while they count the user's rows against a cap and insert, so two requests cannot both pass
 * the count (OwnerQuota). SQLite locks the whole database instead and never reads it.
 */
export class OwnerLocks1765300000000 implements MigrationInterface {
  name = 'OwnerLocks1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const mysql = queryRunner.connection.options.type === 'mysql';
    await queryRunner.createTable(
      new Table({
        name: 'export_owner_locks',
        // A binary key, like every identifier here: `Rita` must not wait on `rita`'s lock.
        columns: [{ name: 'user_id', type: 'varchar', length: '64', isPrimary: true, ...(mysql ? { collation: 'utf8mb4_bin' } : {}) }],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('export_owner_locks', true);
  }
}
