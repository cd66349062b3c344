import type { MigrationInterface, QueryRunner } from 'typeorm';
import { FLEET_KEY_COLLATION } from '../fleet-references';

const FLEET_KEYS = [
  { table: 'drivers', column: 'driver_id' },
  { table: 'medallions', column: 'medallion_no' },
  { table: 'vehicles', column: 'vin' },
];

interface ForeignKey {
  name: string;
  table: string;
  column: string;
  referencedTable: string;
  referencedColumn: string;
  onDelete: string;
  onUpdate: string;
}

interface KeyColumn {
  table: string;
  column: string;
  type: string;
  nullable: string;
}

/** Every foreign key to a fleet table (a toll's, ticket's, trip's or posting's driver, medallion and cab). */
async function fleetForeignKeys(queryRunner: QueryRunner): Promise<ForeignKey[]> {
  return (await queryRunner.query(
    `SELECT k.CONSTRAINT_NAME AS name, k.TABLE_NAME AS \`table\`, k.COLUMN_NAME AS \`column\`,
       k.REFERENCED_TABLE_NAME AS referencedTable, k.REFERENCED_COLUMN_NAME AS referencedColumn,
       r.DELETE_RULE AS onDelete, r.UPDATE_RULE AS onUpdate
     FROM information_schema.KEY_COLUMN_USAGE k
     JOIN information_schema.REFERENTIAL_CONSTRAINTS r
       ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
     WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IN (${FLEET_KEYS.map(() => '?').join(', ')})
     ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME`,
    FLEET_KEYS.map(({ table }) => table),
  )) as ForeignKey[];
}

async function describe(queryRunner: QueryRunner, table: string, column: string): Promise<KeyColumn> {
  const [found] = (await queryRunner.query(
    `SELECT TABLE_NAME AS \`table\`, COLUMN_NAME AS \`column\`, COLUMN_TYPE AS type, IS_NULLABLE AS nullable
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?`,
    [table, column],
  )) as KeyColumn[];
  return found;
}

const modify = (collation: string) => (column: KeyColumn) =>
  `MODIFY \`${column.column}\` ${column.type} CHARACTER SET utf8mb4 COLLATE ${collation} ${column.nullable === 'YES' ? 'NULL' : 'NOT NULL'}`;

/**
 * MariaDB changes no column a foreign key uses, even with the checks off: the keys are dropped,
 * both sides re-collated (one rebuild per referencing table), and the keys made again without
 * re-checking rows that already matched.
 */
async function collate(queryRunner: QueryRunner, collation: string): Promise<void> {
  const foreignKeys = await fleetForeignKeys(queryRunner);
  for (const table of new Set(foreignKeys.map((key) => key.table))) {
    const keys = foreignKeys.filter((key) => key.table === table);
    const columns = await Promise.all(keys.map((key) => describe(queryRunner, table, key.column)));
    const changes = [...keys.map((key) => `DROP FOREIGN KEY \`${key.name}\``), ...columns.map(modify(collation))];
    await queryRunner.query(`ALTER TABLE \`${table}\` ${changes.join(', ')}`);
  }
  for (const { table, column } of FLEET_KEYS) {
    await queryRunner.query(`ALTER TABLE \`${table}\` ${modify(collation)(await describe(queryRunner, table, column))}`);
  }
  await queryRunner.query('SET FOREIGN_KEY_CHECKS = 0');
  try {
    for (const table of new Set(foreignKeys.map((key) => key.table))) {
      const constraints = foreignKeys
        .filter((key) => key.table === table)
        .map(
          (key) =>
            `ADD CONSTRAINT \`${key.name}\` FOREIGN KEY (\`${key.column}\`) REFERENCES \`${key.referencedTable}\` (\`${key.referencedColumn}\`)` +
            ` ON DELETE ${key.onDelete} ON UPDATE ${key.onUpdate}`,
        );
      await queryRunner.query(`ALTER TABLE \`${table}\` ${constraints.join(', ')}`);
    }
  } finally {
    await queryRunner.query('SET FOREIGN_KEY_CHECKS = 1');
  }
}

/**
 * Fleet keys compare byte for byte, as identifiers should (`D00123` is not `d00123`), the way the
 * service's own tables have since BinaryIdentifiers1764900000000. It also lets an export read the
 * drivers, medallions and cabs once and look their names up per row, exactly as the join would
 * (`LookupTables`), instead of the server joining every row. SQLite compares bytes already.
 * On MySQL each referencing table is rebuilt once (minutes for tens of millions of rows).
 */
export class FleetBinaryKeys1766000000000 implements MigrationInterface {
  name = 'FleetBinaryKeys1766000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'mysql') await collate(queryRunner, FLEET_KEY_COLLATION);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'mysql') await collate(queryRunner, 'utf8mb4_unicode_ci');
  }
}
