import type { MigrationInterface, QueryRunner } from 'typeorm';
import { adoptFleetReferences, dropFleetReferences } from '../../fleet/fleet-references';

/** ezpass_transactions's driver, medallion and cab become foreign keys to the fleet tables (rows kept, references created). */
export class EzpassFleetReferences1765100000001 implements MigrationInterface {
  name = 'EzpassFleetReferences1765100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await adoptFleetReferences(queryRunner, 'ezpass_transactions');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropFleetReferences(queryRunner, 'ezpass_transactions');
  }
}
