import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { CreateExportDto } from '../../exports/dto/create-export.dto';
import { RELATIVE_DATE_RANGES } from '../relative-dates.util';

/** The scheduling half of a schedule; the rest of the body is an ordinary export request. */
export class ScheduleFieldsDto {
  @ApiPropertyOptional({ example: 'Monthly tolls', maxLength: 100 })
  @IsOptional()
  @IsString({ message: 'name must be a string' })
  @MaxLength(100, { message: 'name must be at most 100 characters' })
  name?: string;

  @ApiProperty({
    example: '0 2 1 * *',
    description: 'Cron expression: 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first',
  })
  @IsString({ message: 'cron must be a cron expression such as "0 2 1 * *"' })
  @MaxLength(128, { message: 'cron must be at most 128 characters' })
  cron!: string;

  @ApiProperty({ example: 'America/New_York', description: 'IANA time zone the cron expression and relative dates are read in' })
  @IsString({ message: 'timezone must be an IANA time zone such as America/New_York or UTC' })
  @MaxLength(64, { message: 'timezone must be at most 64 characters' })
  timezone!: string;

  @ApiPropertyOptional({
    description:
      'Date filters resolved at each run, in the schedule time zone, into from_<field> / to_<field>. Keys are date filters of the export type. ' +
      'Weeks start on Monday; current_* ranges end today; last_N_days are the N whole days before today.',
    example: { posting_date: 'previous_month' },
    type: 'object',
    additionalProperties: { type: 'string', enum: [...RELATIVE_DATE_RANGES] },
  })
  @IsOptional()
  @IsObject({ message: 'relative_dates must be an object such as {"posting_date": "previous_month"}' })
  relative_dates?: Record<string, unknown>;
}

export class CreateScheduleDto extends IntersectionType(CreateExportDto, ScheduleFieldsDto) {}
