import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const NOTIFICATION_CHANNELS = ['webhook', 'email'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

export type NotificationOutcome = 'completed' | 'failed';

/** pending: to be sent (or being retried); delivered: accepted by the peer; failed: every attempt was refused. */
export type NotificationStatus = 'pending' | 'delivered' | 'failed';

/**
 * The outbox: one row per export, channel and outcome (a unique key), so an outcome announced twice
 * is still delivered once.
 */
@Entity('export_notifications')
export class ExportNotification {
  @PrimaryGeneratedColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'integer' }) export_id!: number;
  @Column({ type: 'varchar', length: 8 }) channel!: NotificationChannel;
  @Column({ type: 'varchar', length: 16 }) outcome!: NotificationOutcome;
  /** Sent as Exports-Event-Id and the event's `id`: the same on every retry, so receivers can deduplicate. */
  @Column({ type: 'varchar', length: 36 }) event_id!: string;
  @Column({ type: 'varchar', length: 16 }) status!: NotificationStatus;
  @Column({ type: 'int', default: 0 }) attempts!: number;
  @Column({ type: 'text', nullable: true }) last_error!: string | null;
  @Column({ type: 'datetime' }) created_at!: Date;
  @Column({ type: 'datetime', nullable: true }) delivered_at!: Date | null;
}
