import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A recurring export: a cron expression in a time zone, and the export request each occurrence makes. */
@Entity('export_schedules')
export class ExportSchedule {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ type: 'varchar', length: 64 }) user_id!: string;
  /** The owner's roles when the schedule was made, as a JSON array; its runs export with them. */
  @Column({ type: 'text', nullable: true }) owner_roles!: string | null;
  @Column({ type: 'varchar', length: 100, nullable: true }) name!: string | null;
  @Column({ type: 'varchar', length: 128 }) cron!: string;
  /** IANA name, canonical form. */
  @Column({ type: 'varchar', length: 64 }) timezone!: string;
  /** The export request as JSON text (ScheduledExportRequest), relative dates unresolved. */
  @Column({ type: 'text' }) request!: string;
  @Column({ type: 'datetime' }) created_at!: Date;
  /** Scheduled time of the latest occurrence that made (or found) its export. */
  @Column({ type: 'datetime', nullable: true }) last_run_at!: Date | null;
  @Column({ type: 'integer', nullable: true }) last_export_id!: number | null;
  /** Occurrences that made no export because the owner had MAX_ACTIVE_EXPORTS running. */
  @Column({ type: 'integer', default: 0 }) skipped_runs!: number;
  @Column({ type: 'datetime', nullable: true }) last_skipped_at!: Date | null;
  @Column({ type: 'varchar', length: 255, nullable: true }) last_skip_reason!: string | null;
}
