import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { DriverIdColumn, MedallionNoColumn, VinColumn } from '../fleet/fleet-reference.columns';

@Entity('curb_trips')
export class CurbTrip {
  @PrimaryGeneratedColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'varchar', length: 24 }) trip_id!: string;
  @Column({ type: 'datetime' }) start_time!: string;
  @Column({ type: 'datetime' }) end_time!: string;
  @Column({ type: 'varchar', length: 16 }) pickup_borough!: string;
  @Column({ type: 'varchar', length: 16 }) dropoff_borough!: string;
  @Column({ type: 'decimal', precision: 6, scale: 2 }) distance_miles!: string;
  @Column({ type: 'decimal', precision: 10, scale: 2 }) fare_amount!: string;
  @Column({ type: 'decimal', precision: 10, scale: 2 }) tip_amount!: string;
  @Column({ type: 'decimal', precision: 10, scale: 2 }) tolls_amount!: string;
  @Column({ type: 'decimal', precision: 10, scale: 2 }) total_amount!: string;
  @Column({ type: 'varchar', length: 12 }) payment_type!: string;
  @Column({ type: 'varchar', length: 16 }) status!: string;
  @DriverIdColumn() driver_id!: string | null;
  @MedallionNoColumn() medallion_no!: string | null;
  @VinColumn() vin!: string | null;
  @Column({ type: 'datetime' }) created_at!: string;
}
