import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A cab, by its VIN. */
@Entity('vehicles')
export class Vehicle {
  @PrimaryColumn({ type: 'varchar', length: 17 }) vin!: string;
  @Column({ type: 'varchar', length: 16, nullable: true }) plate_number!: string | null;
  @Column({ type: 'varchar', length: 24, nullable: true }) make!: string | null;
  @Column({ type: 'varchar', length: 32, nullable: true }) model!: string | null;
  @Column({ type: 'int', nullable: true }) model_year!: number | null;
}
