import { TableColumn } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A schedule keeps its owner's roles, so its runs may export the types those roles permit. */
export class ScheduleOwnerRoles1765100000005 implements MigrationInterface {
  name = 'ScheduleOwnerRoles1765100000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('export_schedules', new TableColumn({ name: 'owner_roles', type: 'text', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('export_schedules', 'owner_roles');
  }
}
