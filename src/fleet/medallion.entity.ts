import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A taxi medallion and who owns it. */
@Entity('medallions')
export class Medallion {
  @PrimaryColumn({ type: 'varchar', length: 8 }) medallion_no!: string;
  @Column({ type: 'varchar', length: 64, nullable: true }) owner_name!: string | null;
  @Column({ type: 'varchar', length: 16, nullable: true }) medallion_type!: string | null;
}
