import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A TLC-licensed driver; `driver_id` is the public id every source row carries. */
@Entity('drivers')
export class Driver {
  @PrimaryColumn({ type: 'varchar', length: 16 }) driver_id!: string;
  @Column({ type: 'varchar', length: 48, nullable: true }) first_name!: string | null;
  @Column({ type: 'varchar', length: 48, nullable: true }) last_name!: string | null;
  @Column({ type: 'varchar', length: 16, nullable: true }) tlc_license_no!: string | null;
  @Column({ type: 'varchar', length: 16, nullable: true }) status!: string | null;
}
