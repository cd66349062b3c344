/** Migration helpers: a fleet record's driver, medallion and cab become foreign keys to the fleet tables. */
import { TableForeignKey } from 'typeorm';
import type { QueryRunner, TableColumnOptions } from 'typeorm';

/** How fleet keys, and the columns referencing them, compare on MySQL: byte for byte (FleetBinaryKeys1766000000000). */
export const FLEET_KEY_COLLATION = 'utf8mb4_bin';

const KEY_LENGTHS = { driver_id: '16', medallion_no: '8', vin: '17' } as const;

/**
 * A new table's column referencing a fleet key, for its migration: nullable, as wide as the key and
 * collated like it (a foreign key's columns must be; SQLite compares bytes already).
 */
export function fleetReferenceColumn(queryRunner: QueryRunner, name: keyof typeof KEY_LENGTHS): TableColumnOptions {
  const collated = queryRunner.connection.options.type === 'mysql' ? { charset: 'utf8mb4', collation: FLEET_KEY_COLLATION } : {};
  return { name, type: 'varchar', length: KEY_LENGTHS[name], isNullable: true, ...collated };
}

const REFERENCES = [
  { column: 'driver_id', table: 'drivers' },
  { column: 'medallion_no', table: 'medallions' },
  { column: 'vin', table: 'vehicles' },
] as const;

/**
 * Makes a table's fleet columns foreign keys to the fleet tables, for a domain's migration: first
 * a reference row for every value already present (so no row is lost or left dangling), then the
 * constraints. On MySQL the constraints are added without re-checking the rows just made to
 * resolve, which keeps it an in-place change on large tables.
 */
export async function adoptFleetReferences(queryRunner: QueryRunner, table: string): Promise<void> {
  for (const { column, table: reference } of REFERENCES) {
    await queryRunner.query(
      `INSERT INTO ${reference} (${column}) SELECT DISTINCT s.${column} FROM ${table} s
       WHERE s.${column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${reference} r WHERE r.${column} = s.${column})`,
    );
  }
  const mysql = queryRunner.connection.options.type === 'mysql';
  if (mysql) await queryRunner.query('SET FOREIGN_KEY_CHECKS = 0');
  try {
    await queryRunner.createForeignKeys(
      table,
      REFERENCES.map(
        ({ column, table: reference }) =>
          new TableForeignKey({
            name: `FK_${table}_${column}`,
            columnNames: [column],
            referencedTableName: reference,
            referencedColumnNames: [column],
          }),
      ),
    );
  } finally {
    if (mysql) await queryRunner.query('SET FOREIGN_KEY_CHECKS = 1');
  }
}

export async function dropFleetReferences(queryRunner: QueryRunner, table: string): Promise<void> {
  const found = await queryRunner.getTable(table);
  const constraints = found?.foreignKeys.filter((key) => REFERENCES.some((reference) => reference.table === key.referencedTableName)) ?? [];
  await queryRunner.dropForeignKeys(table, constraints);
}
