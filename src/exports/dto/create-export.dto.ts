import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsEmail, IsIn, IsObject, IsOptional, IsString, IsUrl, MaxLength, ValidateNested } from 'class-validator';
import { EXPORT_COMPRESSIONS, EXPORT_FORMATS } from '../export-job.entity';
import type { ExportCompression, ExportFormat } from '../export-job.entity';
import { CsvOptionsRequestDto } from './csv-options.dto';

export class ExportNotifyDto {
  @ApiPropertyOptional({
    example: 'https://hooks.example.com/exports',
    description:
      "POSTed a signed JSON event (header Exports-Signature: t=...,v1=HMAC-SHA256 with this target's own secret, from POST /api/exports/webhook-secret) when the export completes or fails",
  })
  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'notify.webhook_url must be an http(s) URL' },
  )
  @MaxLength(2048, { message: 'notify.webhook_url must be at most 2048 characters' })
  webhook_url?: string;

  @ApiPropertyOptional({ example: 'accounts@example.com', description: 'Emailed a link when the export completes or fails' })
  @IsOptional()
  @IsEmail({}, { message: 'notify.email must be an email address' })
  @MaxLength(254, { message: 'notify.email must be at most 254 characters' })
  email?: string;
}

export class CreateExportDto {
  @ApiProperty({ description: 'One of the export types the caller may export (GET /api/exports/types)' })
  @IsString({ message: 'export_type must be one of the export types' })
  export_type!: string;

  @ApiProperty({
    enum: EXPORT_FORMATS,
    example: 'excel',
    description: 'excel (.xlsx), csv, json (one array), ndjson (one object per line), or pdf (at most 10,000 records)',
  })
  @IsIn(EXPORT_FORMATS, { message: `format must be one of: ${EXPORT_FORMATS.join(', ')}` })
  format!: ExportFormat;

  @ApiPropertyOptional({
    description:
      'Filters of the chosen type (see GET /api/exports/types). Ranges: from_X / to_X, inclusive; dates YYYY-MM-DD (a to_ date includes the whole day); amounts are decimals. Multi-value filters: a comma-separated string or an array (at most 1,000 values).',
    example: { from_posting_date: '2024-01-01', to_posting_date: '2024-01-31', entry_plaza: 'GWB,Lincoln Tunnel' },
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject({ message: 'filters must be an object' })
  filters?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: "Column keys to write, in this order; the type's default columns when omitted.",
    example: ['posting_date', 'plate_number', 'amount'],
    type: [String],
  })
  @IsOptional()
  @IsArray({ message: 'columns must be an array of column keys' })
  columns?: string[];

  @ApiPropertyOptional({
    enum: EXPORT_COMPRESSIONS,
    description:
      'csv, json and ndjson only: gzip (.csv.gz), or zip: an archive of one entry named like the uncompressed file (.csv.zip holding the .csv)',
  })
  @IsOptional()
  @IsIn(EXPORT_COMPRESSIONS, { message: `compression must be one of: ${EXPORT_COMPRESSIONS.join(', ')}` })
  compression?: ExportCompression;

  @ApiPropertyOptional({
    type: CsvOptionsRequestDto,
    description: 'csv only: delimiter, byte-order mark, line ending and header row; fields left out keep their defaults',
    example: { delimiter: ';', bom: true, line_ending: 'crlf', header: true },
  })
  // Checked field by field by parseCsvOptions, which names each wrong one.
  @IsOptional()
  csv?: unknown;

  @ApiPropertyOptional({ type: ExportNotifyDto, description: 'Announce the outcome by webhook and/or email' })
  @IsOptional()
  @IsObject({ message: 'notify must be an object' })
  @ValidateNested()
  @Type(() => ExportNotifyDto)
  notify?: ExportNotifyDto;
}
