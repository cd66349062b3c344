import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The service's own tables, whose text columns hold owner ids, keys, tokens and other identifiers. */
const SERVICE_TABLES = ['export_jobs', 'export_events', 'export_workers', 'export_notifications', 'export_schedules'];

/**
 * Identifiers compare byte for byte. A database created `utf8mb4_unicode_ci` compares `Rita`,
 * `RITA` and `ríta` equal to `rita` in every WHERE and unique index, which would let one user read
 * another's exports and replay her Idempotency-Keys. SQLite compares bytes already (BINARY).
 * Converting the table also makes `utf8mb4_bin` its default, so columns added later inherit it.
 */
export class BinaryIdentifiers1764900000000 implements MigrationInterface {
  name = 'BinaryIdentifiers1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'mysql') return;
    for (const table of SERVICE_TABLES) {
      await queryRunner.query(`ALTER TABLE \`${table}\` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'mysql') return;
    for (const table of SERVICE_TABLES) {
      await queryRunner.query(`ALTER TABLE \`${table}\` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    }
  }
}
