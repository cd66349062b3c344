import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { ValidationError } from 'class-validator';
import type { AuthUser } from '../auth/auth-user';
import { parseCsvOptions } from './csv-options';
import type { CsvOptions } from './csv-options';
import { CreateExportDto } from './dto/create-export.dto';
import { EXPORT_FORMATS } from './export-job.entity';
import { ExportsException, ExportsExceptionCode } from './exports.exception';
import type { ExportCompression, ExportFormat, ExportNotify } from './export-job.entity';
import { parseFilters, resolveColumns } from './query/export-filters';
import type { NormalizedFilters } from './query/export-filters';
import type { ExportColumn, ExportQueryProvider } from './query/export-query.provider';
import { NotifyTargetChecks } from './ports/notify-target-checks';
import { ExportQueryRegistry, mayExport } from './query/export-query.registry';

export interface ParsedExportRequest {
  provider: ExportQueryProvider;
  format: ExportFormat;
  filters: NormalizedFilters;
  columns: ExportColumn[];
  /** As requested, or null for the type's defaults. */
  columnKeys: string[] | null;
  compression: ExportCompression | null;
  /** A csv file's options; null for the defaults and for other formats. */
  csv: CsvOptions | null;
  notify: ExportNotify | null;
}

const COMPRESSIBLE_FORMATS: readonly ExportFormat[] = ['csv', 'json', 'ndjson'];

/**
 * Validates a whole request body for a caller and reports every offending field in one 400; a type
 * the caller may not export is a 403 before anything else about it is revealed.
 */
@Injectable()
export class ExportRequestParser {
  constructor(
    private readonly registry: ExportQueryRegistry,
    private readonly notifyChecks: NotifyTargetChecks,
  ) {}

  parse(body: unknown, user: AuthUser): ParsedExportRequest {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ExportsException(ExportsExceptionCode.VALIDATION_FAILED, ['The request body must be a JSON object']);
    }
    const dto = plainToInstance(CreateExportDto, body);
    const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }).flatMap((error) => messagesOf(error));

    const provider = typeof dto.export_type === 'string' ? this.registry.find(dto.export_type) : undefined;
    if (!provider) {
      errors.push(
        `export_type must be one of: ${this.registry
          .permitted(user)
          .map((permitted) => permitted.exportType)
          .join(', ')}`,
      );
      throw new ExportsException(ExportsExceptionCode.VALIDATION_FAILED, [...new Set(errors)]);
    }
    if (!mayExport(user, provider)) {
      throw new ExportsException(
        ExportsExceptionCode.TYPE_FORBIDDEN,
        `${provider.exportType} exports need the ${String(provider.requiredRole)} role, which your token does not have; nothing was created.`,
      );
    }
    const filters = parseFilters(provider, dto.filters);
    const columns = resolveColumns(provider, dto.columns);
    const csv = parseCsvOptions(dto.csv, EXPORT_FORMATS.includes(dto.format) ? dto.format : undefined);
    errors.push(...filters.errors, ...columns.errors, ...csv.errors);
    if (dto.compression && !COMPRESSIBLE_FORMATS.includes(dto.format)) {
      errors.push(
        `compression applies to ${COMPRESSIBLE_FORMATS.join(', ')} only; ${String(dto.format)} files are already compressed or not streamable`,
      );
    }
    if (typeof dto.notify === 'object' && dto.notify !== null) errors.push(...this.notifyChecks.problems(dto.notify));
    if (errors.length > 0) throw new ExportsException(ExportsExceptionCode.VALIDATION_FAILED, [...new Set(errors)]);

    return {
      provider,
      format: dto.format,
      filters: filters.filters,
      columns: columns.columns,
      columnKeys: dto.columns ?? null,
      compression: dto.compression ?? null,
      csv: csv.options,
      notify: notifyTargets(dto.notify),
    };
  }
}

/** A field's messages and its nested fields' (notify.webhook_url), which class-validator keeps apart as children. */
function messagesOf(error: ValidationError, parent?: string): string[] {
  const path = parent ? `${parent}.${error.property}` : error.property;
  const own = Object.entries(error.constraints ?? {}).map(([kind, message]) =>
    kind === 'whitelistValidation' && parent ? `property ${path} should not exist` : message,
  );
  return [...own, ...(error.children ?? []).flatMap((child) => messagesOf(child, path))];
}

function notifyTargets(dto: CreateExportDto['notify']): ExportNotify | null {
  if (!dto || (!dto.webhook_url && !dto.email)) return null;
  return { ...(dto.webhook_url ? { webhook_url: dto.webhook_url } : {}), ...(dto.email ? { email: dto.email } : {}) };
}
