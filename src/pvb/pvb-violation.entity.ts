import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { DriverIdColumn, MedallionNoColumn, VinColumn } from '../fleet/fleet-reference.columns';

@Entity('pvb_violations')
export class PvbViolation {
  @PrimaryGeneratedColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'varchar', length: 16 }) summons_number!: string;
  @Column({ type: 'varchar', length: 16 }) plate_number!: string;
  @Column({ type: 'varchar', length: 2 }) plate_state!: string;
  @Column({ type: 'varchar', length: 4 }) violation_code!: string;
  @Column({ type: 'varchar', length: 64 }) violation_description!: string;
  @Column({ type: 'datetime' }) issue_date!: string;
  @Column({ type: 'date', nullable: true }) posting_date!: string | null;
  @Column({ type: 'varchar', length: 16 }) county!: string;
  @Column({ type: 'varchar', length: 64 }) street_name!: string;
  @Column({ type: 'decimal', precision: 10, scale: 2 }) fine_amount!: string;
  @Column({ type: 'decimal', precision: 10, scale: 2 }) penalty_amount!: string;
  @Column({ type: 'decimal', precision: 10, scale: 2 }) amount_due!: string;
  @Column({ type: 'varchar', length: 24 }) status!: string;
  @DriverIdColumn() driver_id!: string | null;
  @MedallionNoColumn() medallion_no!: string | null;
  @VinColumn() vin!: string | null;
  @Column({ type: 'datetime' }) created_at!: string;
}
