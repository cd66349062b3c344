import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { EXPORT_STATUSES } from '../export-job.entity';
import type { ExportStatus } from '../export-job.entity';
import { PageQueryDto } from './page-query.dto';

/** GET /api/exports: a page of everyone's exports, each filter narrowing it further (admins only). */
export class ExportListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'alice', description: 'Only exports of this user id (exact, case-sensitive)' })
  @IsOptional()
  @IsString({ message: 'user_id must be a user id' })
  @Length(1, 64, { message: 'user_id must be 1-64 characters' })
  user_id?: string;

  @ApiPropertyOptional({ enum: EXPORT_STATUSES })
  @IsOptional()
  @IsIn(EXPORT_STATUSES, { message: `status must be one of: ${EXPORT_STATUSES.join(', ')}` })
  status?: ExportStatus;

  @ApiPropertyOptional({ example: 'CURB', description: 'Only exports of this type (GET /api/exports/types)' })
  @IsOptional()
  @Matches(/^[A-Z][A-Z0-9_]{0,31}$/, { message: 'export_type must be an export type such as CURB' })
  export_type?: string;
}
