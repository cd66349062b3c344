import { TableColumn } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A csv export's delimiter, BOM, line ending and header choice (JSON); null keeps the defaults. */
export class CsvOptions1765300000500 implements MigrationInterface {
  name = 'CsvOptions1765300000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('export_jobs', new TableColumn({ name: 'csv_options', type: 'text', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('export_jobs', 'csv_options');
  }
}
