import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

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
  @Column({ type: 'varchar', length: 16, nullable: true }) driver_id!: string | null;
  @Column({ type: 'varchar', length: 8, nullable: true }) medallion_no!: string | null;
  @Column({ type: 'varchar', length: 17, nullable: true }) vin!: string | null;
  @Column({ type: 'datetime' }) created_at!: string;
}
