import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const EXPORT_STATUSES = ['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED'] as const;
/** Statuses a job never leaves (EXPIRED only follows COMPLETED). */
export const FINAL_STATUSES: readonly ExportStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED'];
export const ACTIVE_STATUSES: readonly ExportStatus[] = ['PENDING', 'PROCESSING'];
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

export const EXPORT_FORMATS = ['excel', 'csv', 'json', 'ndjson', 'pdf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_COMPRESSIONS = ['gzip', 'zip'] as const;
export type ExportCompression = (typeof EXPORT_COMPRESSIONS)[number];

/** Where to announce the outcome of an export (both optional). */
export interface ExportNotify {
  webhook_url?: string;
  email?: string;
}

@Entity('export_jobs')
export class ExportJob {
  @PrimaryGeneratedColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'varchar', length: 64 }) user_id!: string;
  @Column({ type: 'varchar', length: 32 }) export_type!: string;
  @Column({ type: 'varchar', length: 8 }) format!: ExportFormat;
  /** The validated, normalised filters as JSON text (portable across MySQL and SQLite). */
  @Column({ type: 'text' }) filters!: string;
  /** Chosen output column keys as JSON text; null means the type's default columns. */
  @Column({ type: 'text', nullable: true }) columns!: string | null;
  @Column({ type: 'varchar', length: 16 }) status!: ExportStatus;
  @Column({ type: 'int', default: 0 }) progress!: number;
  @Column({ type: 'int', default: 0 }) processed_records!: number;
  @Column({ type: 'int', nullable: true }) total_records!: number | null;
  @Column({ type: 'int', default: 0 }) attempts!: number;
  @Column({ type: 'text', nullable: true }) error!: string | null;
  @Column({ type: 'varchar', length: 255, nullable: true }) file_name!: string | null;
  @Column({ type: 'bigint', nullable: true }) file_size!: string | null;
  /** Server-side name of the finished file under EXPORT_DIR; never derived from user input, never sent out. */
  @Column({ type: 'varchar', length: 128, nullable: true }) storage_key!: string | null;
  /** Fencing token of the attempt that owns the job; every write-back of that attempt is conditional on it. */
  @Column({ type: 'varchar', length: 36, nullable: true }) claim_token!: string | null;
  @Column({ type: 'varchar', length: 128, nullable: true }) worker_id!: string | null;
  @Column({ type: 'datetime', nullable: true }) heartbeat_at!: Date | null;
  @Column({ type: 'datetime' }) created_at!: Date;
  @Column({ type: 'datetime', nullable: true }) started_at!: Date | null;
  @Column({ type: 'datetime', nullable: true }) completed_at!: Date | null;
  /** When the attempt's read snapshot was taken, by the clock of the server it reads from (a replica's, with DATABASE_READ_URL). */
  @Column({ type: 'datetime', nullable: true }) snapshot_at!: Date | null;
  /** Why the attempt's read is paused (server load, rate cap); null while it reads freely. */
  @Column({ type: 'varchar', length: 255, nullable: true }) throttle_reason!: string | null;
  /** When the finished file is deleted by retention. */
  @Column({ type: 'datetime', nullable: true }) expires_at!: Date | null;
  @Column({ type: 'varchar', length: 128, nullable: true }) idempotency_key!: string | null;
  /** SHA-256 of the normalised request, to tell a replay from a different request under the same key. */
  @Column({ type: 'varchar', length: 64, nullable: true }) request_hash!: string | null;
  /** 'gzip' for a .csv.gz file, 'zip' for a .csv.zip archive (json and ndjson alike); null for none. */
  @Column({ type: 'varchar', length: 8, nullable: true }) compression!: ExportCompression | null;
  /** A csv file's options as JSON text (CsvOptions); null for the defaults and for other formats. */
  @Column({ type: 'text', nullable: true }) csv_options!: string | null;
  /** Notification targets as JSON text (ExportNotify); null for none. */
  @Column({ type: 'text', nullable: true }) notify!: string | null;
  /** The schedule whose occurrence created this export, if any. */
  @Column({ type: 'varchar', length: 36, nullable: true }) schedule_id!: string | null;
}
