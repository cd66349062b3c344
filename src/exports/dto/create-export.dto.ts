import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsIn, IsObject, IsOptional, IsString } from 'class-validator';
import { EXPORT_FORMATS } from '../export-job.entity';
import type { ExportFormat } from '../export-job.entity';
import { EXPORT_TYPES } from '../query/export-query.registry';

export class CreateExportDto {
  @ApiProperty({ enum: EXPORT_TYPES, example: 'EZPASS' })
  @IsString({ message: 'export_type must be one of the export types' })
  export_type!: string;

  @ApiProperty({ enum: EXPORT_FORMATS, example: 'excel', description: 'excel (.xlsx), csv, json, or pdf (at most 10,000 records)' })
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
}
