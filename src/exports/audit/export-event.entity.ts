import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const EXPORT_EVENTS = ['created', 'started', 'retrying', 'completed', 'failed', 'cancelled', 'downloaded', 'expired'] as const;
export type ExportEventName = (typeof EXPORT_EVENTS)[number];

/** The audit trail: who did what to which export, and when. */
@Entity('export_events')
export class ExportEvent {
  @PrimaryGeneratedColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'integer' }) export_id!: number;
  /** The acting user; null for the system (worker, retention). */
  @Column({ type: 'varchar', length: 64, nullable: true }) user_id!: string | null;
  @Column({ type: 'varchar', length: 16 }) event!: ExportEventName;
  @Column({ type: 'text', nullable: true }) detail!: string | null;
  @Column({ type: 'datetime' }) created_at!: Date;
}
