import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { DriverIdColumn, MedallionNoColumn, VinColumn } from '../fleet/fleet-reference.columns';

@Entity('ledger_postings')
export class LedgerPosting {
  @PrimaryGeneratedColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'varchar', length: 24 }) posting_id!: string;
  @Column({ type: 'datetime' }) posting_date!: string;
  @Column({ type: 'varchar', length: 16 }) category!: string;
  @Column({ type: 'varchar', length: 6 }) entry_type!: string;
  @Column({ type: 'decimal', precision: 12, scale: 2 }) amount!: string;
  @Column({ type: 'varchar', length: 16 }) status!: string;
  @Column({ type: 'varchar', length: 24 }) reference_type!: string;
  @Column({ type: 'varchar', length: 32 }) reference_id!: string;
  @Column({ type: 'varchar', length: 128 }) description!: string;
  @DriverIdColumn() driver_id!: string | null;
  @MedallionNoColumn() medallion_no!: string | null;
  @VinColumn() vin!: string | null;
  @Column({ type: 'datetime' }) created_at!: string;
}
