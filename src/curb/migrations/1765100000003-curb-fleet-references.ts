import type { MigrationInterface, QueryRunner } from 'typeorm';
import { adoptFleetReferences, dropFleetReferences } from '../../fleet/fleet-references';

/** curb_trips's driver, medallion and cab become foreign keys to the fleet tables (rows kept, references created). */
export class CurbFleetReferences1765100000003 implements MigrationInterface {
  name = 'CurbFleetReferences1765100000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await adoptFleetReferences(queryRunner, 'curb_trips');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropFleetReferences(queryRunner, 'curb_trips');
  }
}
