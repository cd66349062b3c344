import { ApiProperty } from '@nestjs/swagger';
import { EXPORT_FORMATS } from '../export-job.entity';
import type { ExportFormat } from '../export-job.entity';
import { filterKeys } from '../query/export-filters';
import type { ExportQueryProvider } from '../query/export-query.provider';

class ExportColumnDto {
  @ApiProperty({ example: 'posting_date' }) key!: string;
  @ApiProperty({ example: 'Posting Date' }) header!: string;
  @ApiProperty({ enum: ['text', 'integer', 'decimal', 'date', 'datetime'] }) type!: string;
  @ApiProperty({ description: 'Part of the default column set' }) default!: boolean;
}

class ExportFilterDto {
  @ApiProperty({ example: 'from_posting_date' }) key!: string;
  @ApiProperty({ enum: ['date', 'amount', 'values'] }) kind!: string;
  @ApiProperty({ enum: ['from', 'to', 'any'], description: 'Range bound, or "any" for a multi-value filter' }) match!: string;
  @ApiProperty({ example: 'posting_date', description: "The filter's name: from_<name> / to_<name> for ranges, <name> for values" })
  name!: string;
  @ApiProperty({ example: 'posting_date', description: 'The column it narrows; its name when it narrows no output column' })
  column!: string;
  @ApiProperty() description!: string;
}

export class ExportTypeDto {
  @ApiProperty({ example: 'EZPASS' }) export_type!: string;
  @ApiProperty({ example: 'EZPass tolls' }) title!: string;
  @ApiProperty({ enum: EXPORT_FORMATS, isArray: true }) formats!: ExportFormat[];
  @ApiProperty({ type: [ExportColumnDto] }) columns!: ExportColumnDto[];
  @ApiProperty({ type: [ExportFilterDto] }) filters!: ExportFilterDto[];
  @ApiProperty({ type: String, nullable: true, example: null, description: 'The role a caller needs to export this type' })
  required_role!: string | null;

  static from(provider: ExportQueryProvider): ExportTypeDto {
    return {
      export_type: provider.exportType,
      title: provider.title,
      formats: [...EXPORT_FORMATS],
      columns: provider.columns.map((column) => ({ key: column.key, header: column.header, type: column.type, default: !column.optional })),
      filters: provider.filters.flatMap((spec) =>
        filterKeys(spec).map((key) => ({
          key: key.key,
          kind: spec.kind,
          match: key.bound ?? 'any',
          name: spec.name,
          column: spec.column ?? spec.name,
          description: spec.description ?? describe(spec.kind, key.bound, spec.column ?? spec.name),
        })),
      ),
      required_role: provider.requiredRole ?? null,
    };
  }
}

function describe(kind: string, bound: 'from' | 'to' | undefined, column: string): string {
  if (kind === 'values') return `${column} equals any of the values (comma-separated string or array)`;
  const what = kind === 'date' ? 'date YYYY-MM-DD' : 'decimal amount';
  return bound === 'from'
    ? `${column} on or after this ${what}`
    : `${column} on or before this ${what}${kind === 'date' ? ' (whole day)' : ''}`;
}
