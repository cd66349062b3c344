import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row per worker process, refreshed every few seconds: who is alive and how busy. */
@Entity('export_workers')
export class ExportWorkerRecord {
  @PrimaryColumn({ type: 'varchar', length: 128 }) worker_id!: string;
  @Column({ type: 'varchar', length: 128 }) hostname!: string;
  @Column({ type: 'integer' }) pid!: number;
  @Column({ type: 'integer' }) concurrency!: number;
  @Column({ type: 'integer', default: 0 }) active_jobs!: number;
  @Column({ type: 'datetime' }) started_at!: Date;
  @Column({ type: 'datetime' }) heartbeat_at!: Date;
}
