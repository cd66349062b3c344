import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../exports/dto/page-query.dto';

export class ScheduleListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'alice', description: "Admins only: that user's schedules (others always see their own)" })
  @IsOptional()
  @IsString({ message: 'user_id must be a user id' })
  @MinLength(1, { message: 'user_id must be a user id' })
  @MaxLength(64, { message: 'user_id must be at most 64 characters' })
  user_id?: string;
}
