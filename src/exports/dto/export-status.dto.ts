import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { csvOptionsOf } from '../csv-options';
import type { CsvOptions } from '../csv-options';
import { EXPORT_COMPRESSIONS, EXPORT_FORMATS, EXPORT_STATUSES } from '../export-job.entity';
import type { ExportCompression, ExportFormat, ExportJob, ExportNotify, ExportStatus } from '../export-job.entity';
import { CsvOptionsDto } from './csv-options.dto';

/** Rate and time left, from the attempt's start and its last progress beat. */
function throughput(job: ExportJob, now = Date.now()): { rows_per_second?: number; eta_seconds?: number } {
  if (!job.started_at || job.processed_records === 0) return {};
  const elapsed = (now - new Date(job.started_at).getTime()) / 1000;
  if (elapsed <= 0) return {};
  const rate = job.processed_records / elapsed;
  const left = job.total_records === null ? undefined : Math.max(0, job.total_records - job.processed_records);
  return { rows_per_second: Math.round(rate), ...(left === undefined ? {} : { eta_seconds: Math.ceil(left / rate) }) };
}

export class ExportStatusDto {
  @ApiProperty({ example: 123 }) export_id!: number;
  @ApiProperty({ example: 'alice', description: 'The owner: the user who requested it' }) user_id!: string;
  @ApiProperty({ example: 'TOLLS' }) export_type!: string;
  @ApiProperty({ enum: EXPORT_FORMATS }) format!: ExportFormat;
  @ApiProperty({ enum: EXPORT_STATUSES }) status!: ExportStatus;
  @ApiProperty({ minimum: 0, maximum: 100 }) progress!: number;
  @ApiProperty() processed_records!: number;
  @ApiProperty({ nullable: true, type: Number }) total_records!: number | null;
  @ApiPropertyOptional({ example: '/api/exports/123/download', description: 'Present when COMPLETED' }) file_url?: string;
  @ApiProperty({ nullable: true, type: String, example: 'tolls_2024-01-01_2024-01-31_123.xlsx' }) file_name!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Bytes' }) file_size!: number | null;
  @ApiPropertyOptional({ description: 'Present when FAILED' }) error?: string;
  @ApiProperty({ type: Object, description: 'Filters as validated' }) filters!: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: [String] }) columns!: string[] | null;
  @ApiProperty({ nullable: true, enum: EXPORT_COMPRESSIONS }) compression!: ExportCompression | null;
  @ApiProperty({ nullable: true, type: CsvOptionsDto, description: 'A csv export: the options it is written with; null for other formats' })
  csv!: CsvOptions | null;
  @ApiProperty({ nullable: true, type: Object, description: 'Notification targets: webhook_url, email' }) notify!: ExportNotify | null;
  @ApiProperty({ nullable: true, type: String, description: 'The schedule that created this export' }) schedule_id!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) started_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) completed_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When retention deletes the file' }) expires_at!:
    string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description:
      'The file holds the data as of this time: when the read snapshot was taken, by the clock of the server read from (a replica lags its primary)',
  })
  snapshot_at!: string | null;
  @ApiProperty({ description: 'PROCESSING and the read paused: the database is busy (EXPORT_MAX_DB_LOAD) or the read rate is capped' })
  throttled!: boolean;
  @ApiProperty({ nullable: true, type: String, example: 'Threads_running 23 > 16', description: 'Why it is throttled; null when not' })
  throttle_reason!: string | null;
  @ApiPropertyOptional({ description: 'While PROCESSING: records written per second so far' }) rows_per_second?: number;
  @ApiPropertyOptional({ description: 'While PROCESSING: estimated seconds left' }) eta_seconds?: number;

  static from(job: ExportJob): ExportStatusDto {
    const iso = (date: Date | null): string | null => (date ? new Date(date).toISOString() : null);
    // Only a running attempt can be paused; a reason left by an attempt that ended is history.
    const throttleReason = job.status === 'PROCESSING' ? job.throttle_reason : null;
    return {
      export_id: job.id,
      user_id: job.user_id,
      export_type: job.export_type,
      format: job.format,
      status: job.status,
      progress: job.progress,
      processed_records: job.processed_records,
      total_records: job.total_records,
      ...(job.status === 'COMPLETED' ? { file_url: `/api/exports/${job.id}/download` } : {}),
      file_name: job.file_name,
      file_size: job.file_size === null ? null : Number(job.file_size),
      ...(job.error && job.status !== 'COMPLETED' ? { error: job.error } : {}),
      filters: JSON.parse(job.filters) as Record<string, unknown>,
      columns: job.columns ? (JSON.parse(job.columns) as string[]) : null,
      compression: job.compression,
      csv: job.format === 'csv' ? csvOptionsOf(job.csv_options) : null,
      notify: job.notify ? (JSON.parse(job.notify) as ExportNotify) : null,
      schedule_id: job.schedule_id,
      created_at: iso(job.created_at) as string,
      started_at: iso(job.started_at),
      completed_at: iso(job.completed_at),
      expires_at: iso(job.expires_at),
      snapshot_at: iso(job.snapshot_at),
      throttled: throttleReason !== null,
      throttle_reason: throttleReason,
      ...(job.status === 'PROCESSING' ? throughput(job) : {}),
    };
  }
}

export class ExportAcceptedDto {
  @ApiProperty({ example: 123 }) export_id!: number;
  @ApiProperty({ example: 'PENDING' }) status!: ExportStatus;
  @ApiProperty({ example: 'Export job created successfully. Poll status_url for progress.' }) message!: string;
  @ApiProperty({ example: '/api/exports/123/status' }) status_url!: string;
}

export class ExportPageDto {
  @ApiProperty({ type: [ExportStatusDto] }) items!: ExportStatusDto[];
  @ApiProperty() total_items!: number;
  @ApiProperty() page!: number;
  @ApiProperty() per_page!: number;
  @ApiProperty() total_pages!: number;

  static of(jobs: ExportJob[], total: number, page: number, perPage: number): ExportPageDto {
    return {
      items: jobs.map((job) => ExportStatusDto.from(job)),
      total_items: total,
      page,
      per_page: perPage,
      total_pages: Math.ceil(total / perPage),
    };
  }
}
