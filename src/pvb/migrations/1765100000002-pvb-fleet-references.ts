import type { MigrationInterface, QueryRunner } from 'typeorm';
import { adoptFleetReferences, dropFleetReferences } from '../../fleet/fleet-references';

/** pvb_violations's driver, medallion and cab become foreign keys to the fleet tables (rows kept, references created). */
export class PvbFleetReferences1765100000002 implements MigrationInterface {
  name = 'PvbFleetReferences1765100000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await adoptFleetReferences(queryRunner, 'pvb_violations');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropFleetReferences(queryRunner, 'pvb_violations');
  }
}
