import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('ledger_balances')
export class LedgerBalance {
  @PrimaryGeneratedColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'varchar', length: 16, nullable: true }) driver_id!: string | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) driver_name!: string | null;
  @Column({ type: 'varchar', length: 8, nullable: true }) medallion_no!: string | null;
  @Column({ type: 'varchar', length: 17, nullable: true }) vin!: string | null;
  @Column({ type: 'varchar', length: 16 }) category!: string;
  @Column({ type: 'decimal', precision: 14, scale: 2 }) total_debits!: string;
  @Column({ type: 'decimal', precision: 14, scale: 2 }) total_credits!: string;
  @Column({ type: 'decimal', precision: 14, scale: 2 }) balance!: string;
  @Column({ type: 'int' }) posting_count!: number;
  @Column({ type: 'datetime', nullable: true }) first_posting_date!: string | null;
  @Column({ type: 'datetime', nullable: true }) last_posting_date!: string | null;
  @Column({ type: 'datetime' }) updated_at!: string;
}
