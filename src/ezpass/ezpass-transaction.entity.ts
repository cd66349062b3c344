import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { DriverIdColumn, MedallionNoColumn, VinColumn } from '../fleet/fleet-reference.columns';

@Entity('ezpass_transactions')
export class EzpassTransaction {
  @PrimaryGeneratedColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'varchar', length: 32 }) transaction_id!: string;
  @Column({ type: 'datetime' }) transaction_date!: string;
  @Column({ type: 'date' }) posting_date!: string;
  @Column({ type: 'varchar', length: 16 }) plate_number!: string;
  @Column({ type: 'varchar', length: 2 }) plate_state!: string;
  @Column({ type: 'varchar', length: 20 }) tag_number!: string;
  @Column({ type: 'varchar', length: 16 }) agency!: string;
  @Column({ type: 'varchar', length: 48 }) entry_plaza!: string;
  @Column({ type: 'varchar', length: 48, nullable: true }) exit_plaza!: string | null;
  @Column({ type: 'varchar', length: 8 }) vehicle_class!: string;
  @Column({ type: 'decimal', precision: 10, scale: 2 }) amount!: string;
  @Column({ type: 'varchar', length: 24 }) status!: string;
  @DriverIdColumn() driver_id!: string | null;
  @MedallionNoColumn() medallion_no!: string | null;
  @VinColumn() vin!: string | null;
  @Column({ type: 'datetime' }) created_at!: string;
}
