import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { AuthUser } from '../auth/auth-user';
import { AppConfig } from '../config/app-config';
import type { CsvOptions } from '../exports/csv-options';
import type { ExportCompression, ExportFormat, ExportNotify } from '../exports/export-job.entity';
import { ExportRequestParser } from '../exports/export-request.parser';
import { ExportsException, ExportsExceptionCode } from '../exports/exports.exception';
import { ExportQueryRegistry } from '../exports/query/export-query.registry';
import { canonicalTimeZone, cronError, shortestInterval } from './cron.util';
import { ScheduleFieldsDto } from './dto/create-schedule.dto';
import { SchedulesException, SchedulesExceptionCode } from './schedules.exception';
import { isRelativeDateRange, RELATIVE_DATE_RANGES, resolveRelativeDates } from './relative-dates.util';
import type { RelativeDateRange } from './relative-dates.util';

/** An export request body as POST /api/exports/request takes it (validated when the schedule was made). */
export interface ExportRequestBody {
  export_type: string;
  format: ExportFormat;
  filters?: Record<string, unknown>;
  columns?: string[];
  compression?: ExportCompression;
  csv?: Partial<CsvOptions>;
  notify?: ExportNotify;
}

/** What each occurrence requests: a fixed body, plus date filters named relative to the run. */
export interface ScheduledExportRequest {
  body: ExportRequestBody;
  relativeDates: Record<string, RelativeDateRange>;
}

export interface ParsedSchedule {
  name: string | null;
  cron: string;
  timezone: string;
  request: ScheduledExportRequest;
}

/** The `request` column: the body with `relative_dates` beside its fields. */
export function storedRequest(json: string): ScheduledExportRequest {
  const { relative_dates, ...body } = JSON.parse(json) as ExportRequestBody & { relative_dates?: Record<string, RelativeDateRange> };
  return { body, relativeDates: relative_dates ?? {} };
}

export function serializeRequest(request: ScheduledExportRequest): string {
  return JSON.stringify({ ...request.body, relative_dates: request.relativeDates });
}

/** The body an occurrence at `at` sends: its relative dates resolved into from_/to_ filters. */
export function exportBodyAt(request: ScheduledExportRequest, at: Date, timeZone: string): ExportRequestBody {
  if (Object.keys(request.relativeDates).length === 0) return request.body;
  return { ...request.body, filters: { ...request.body.filters, ...resolveRelativeDates(request.relativeDates, at, timeZone) } };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messages(error: ExportsException): string[] {
  const message = (error.getResponse() as { message?: unknown }).message;
  return Array.isArray(message) ? message.map(String) : [String(message)];
}

/**
 * Validates a whole schedule: cron, time zone, and the export request each occurrence will make
 * (relative dates resolved once, now), so a bad request is a 400 today rather than a failed run later.
 */
@Injectable()
export class ScheduleRequestParser {
  constructor(
    private readonly config: AppConfig,
    private readonly exportParser: ExportRequestParser,
    private readonly registry: ExportQueryRegistry,
  ) {}

  parse(body: unknown, owner: AuthUser, now = new Date()): ParsedSchedule {
    if (!isPlainObject(body)) {
      throw new SchedulesException(SchedulesExceptionCode.VALIDATION_FAILED, ['The request body must be a JSON object']);
    }
    const { name, cron, timezone, relative_dates, ...exportBody } = body;
    const fields = plainToInstance(ScheduleFieldsDto, { name, cron, timezone, relative_dates });
    const errors = validateSync(fields).flatMap((error) => Object.values(error.constraints ?? {}));

    const zone = typeof timezone === 'string' ? canonicalTimeZone(timezone) : undefined;
    if (typeof timezone === 'string' && !zone)
      errors.push(`timezone must be an IANA time zone such as America/New_York or UTC; "${timezone}" is not one`);
    if (typeof cron === 'string') errors.push(...this.cronErrors(cron));

    const relativeDates = isPlainObject(relative_dates) ? this.relativeDates(exportBody, relative_dates, errors) : {};
    const request: ScheduledExportRequest = { body: exportBody as unknown as ExportRequestBody, relativeDates };
    try {
      this.exportParser.parse(exportBodyAt(request, now, zone ?? 'UTC'), owner);
    } catch (error) {
      if (!(error instanceof ExportsException && error.code === ExportsExceptionCode.VALIDATION_FAILED)) throw error;
      errors.push(...messages(error));
    }
    if (errors.length > 0) throw new SchedulesException(SchedulesExceptionCode.VALIDATION_FAILED, [...new Set(errors)]);
    return { name: fields.name ?? null, cron: fields.cron.trim(), timezone: zone as string, request };
  }

  private cronErrors(cron: string): string[] {
    const invalid = cronError(cron);
    if (invalid) return [invalid];
    const interval = shortestInterval(cron);
    const minimum = this.config.scheduleMinIntervalMs;
    return interval < minimum
      ? [`cron fires as often as every ${interval / 1000} s; schedules may fire at most once every ${minimum / 1000} s`]
      : [];
  }

  /** Relative dates that name date filters of the export type and a known range; problems go to `errors`. */
  private relativeDates(
    exportBody: Record<string, unknown>,
    raw: Record<string, unknown>,
    errors: string[],
  ): Record<string, RelativeDateRange> {
    const provider = typeof exportBody.export_type === 'string' ? this.registry.find(exportBody.export_type) : undefined;
    // Without a known type its date filters are unknown; the export parser names export_type.
    if (!provider) return {};
    const dateFilters = provider.filters.filter((spec) => spec.kind === 'date').map((spec) => spec.name);
    const filters = isPlainObject(exportBody.filters) ? exportBody.filters : {};
    const valid: Record<string, RelativeDateRange> = {};
    for (const [field, range] of Object.entries(raw)) {
      const key = `relative_dates.${field}`;
      if (!dateFilters.includes(field)) {
        errors.push(`${key} is not a date filter of ${provider.exportType}; date filters: ${dateFilters.join(', ') || 'none'}`);
      } else if (!isRelativeDateRange(range)) {
        errors.push(`${key} must be one of: ${RELATIVE_DATE_RANGES.join(', ')}`);
      } else if (filters[`from_${field}`] !== undefined || filters[`to_${field}`] !== undefined) {
        errors.push(`${key} and filters.from_${field} / filters.to_${field} both set ${field}; use one or the other`);
      } else {
        valid[field] = range;
      }
    }
    return valid;
  }
}
