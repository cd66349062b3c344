import { Column } from 'typeorm';

/*
 * The columns a fleet record (a toll, a ticket, a trip, a posting) keeps its driver, medallion and
 * cab in: nullable, as wide as the fleet tables' keys, foreign keys to them (adoptFleetReferences).
 */
export const DriverIdColumn = (): PropertyDecorator => Column({ type: 'varchar', length: 16, nullable: true });
export const MedallionNoColumn = (): PropertyDecorator => Column({ type: 'varchar', length: 8, nullable: true });
export const VinColumn = (): PropertyDecorator => Column({ type: 'varchar', length: 17, nullable: true });
