import { ApiProperty } from '@nestjs/swagger';
import type { CsvOptions } from '../../exports/csv-options';
import { CsvOptionsRequestDto } from '../../exports/dto/csv-options.dto';
import { EXPORT_COMPRESSIONS, EXPORT_FORMATS } from '../../exports/export-job.entity';
import type { ExportCompression, ExportFormat, ExportNotify } from '../../exports/export-job.entity';
import { nextOccurrences } from '../cron.util';
import type { ExportSchedule } from '../export-schedule.entity';
import { RELATIVE_DATE_RANGES } from '../relative-dates.util';
import { storedRequest } from '../schedule-request.parser';
import type { RelativeDateRange } from '../relative-dates.util';

export class ScheduleDto {
  @ApiProperty({ format: 'uuid' }) schedule_id!: string;
  @ApiProperty({ example: 'alice' }) user_id!: string;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ example: '0 2 1 * *' }) cron!: string;
  @ApiProperty({ example: 'America/New_York' }) timezone!: string;
  @ApiProperty({ format: 'date-time', description: 'When the next occurrence fires' }) next_run_at!: string;
  @ApiProperty({ example: 'TOLLS' }) export_type!: string;
  @ApiProperty({ enum: EXPORT_FORMATS }) format!: ExportFormat;
  @ApiProperty({ type: Object, description: 'Fixed filters, as submitted' }) filters!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string', enum: [...RELATIVE_DATE_RANGES] } })
  relative_dates!: Record<string, RelativeDateRange>;
  @ApiProperty({ nullable: true, type: [String] }) columns!: string[] | null;
  @ApiProperty({ nullable: true, enum: EXPORT_COMPRESSIONS }) compression!: ExportCompression | null;
  @ApiProperty({ nullable: true, type: CsvOptionsRequestDto, description: 'csv options, as submitted' }) csv!: Partial<CsvOptions> | null;
  @ApiProperty({ nullable: true, type: Object, description: 'Notification targets: webhook_url, email' }) notify!: ExportNotify | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Scheduled time of the latest run' }) last_run_at!:
    string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Export made by the latest run' }) last_export_id!: number | null;
  @ApiProperty({ description: 'Occurrences skipped because the owner had MAX_ACTIVE_EXPORTS exports pending or running' })
  skipped_runs!: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Scheduled time of the latest skipped occurrence' })
  last_skipped_at!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why that occurrence was skipped' }) last_skip_reason!: string | null;

  static from(schedule: ExportSchedule, now = new Date()): ScheduleDto {
    const { body, relativeDates } = storedRequest(schedule.request);
    return {
      schedule_id: schedule.id,
      user_id: schedule.user_id,
      name: schedule.name,
      cron: schedule.cron,
      timezone: schedule.timezone,
      next_run_at: nextOccurrences(schedule.cron, schedule.timezone, now, 1)[0].toISOString(),
      export_type: body.export_type,
      format: body.format,
      filters: body.filters ?? {},
      relative_dates: relativeDates,
      columns: body.columns ?? null,
      compression: body.compression ?? null,
      csv: body.csv ?? null,
      notify: body.notify ?? null,
      created_at: new Date(schedule.created_at).toISOString(),
      last_run_at: schedule.last_run_at ? new Date(schedule.last_run_at).toISOString() : null,
      last_export_id: schedule.last_export_id,
      skipped_runs: schedule.skipped_runs,
      last_skipped_at: schedule.last_skipped_at ? new Date(schedule.last_skipped_at).toISOString() : null,
      last_skip_reason: schedule.last_skip_reason,
    };
  }
}

export class SchedulePageDto {
  @ApiProperty({ type: [ScheduleDto] }) items!: ScheduleDto[];
  @ApiProperty() total_items!: number;
  @ApiProperty() page!: number;
  @ApiProperty() per_page!: number;
  @ApiProperty() total_pages!: number;
}
