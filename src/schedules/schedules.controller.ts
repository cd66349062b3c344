import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { EXPORT_REQUESTS_THROTTLER } from '../http/rate-limit.module';
import { CreateScheduleDto } from './dto/create-schedule.dto';
import { ScheduleListQueryDto } from './dto/schedule-list-query.dto';
import { ScheduleDto, SchedulePageDto } from './dto/schedule.dto';
import { SchedulesService } from './schedules.service';

@ApiTags('schedules')
@ApiBearerAuth()
@SkipThrottle({ [EXPORT_REQUESTS_THROTTLER]: true })
@ApiUnauthorizedResponse({ description: 'Missing, invalid or expired bearer token' })
@Controller('exports/schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Post()
  @SkipThrottle({ [EXPORT_REQUESTS_THROTTLER]: false })
  @ApiOperation({ summary: 'Schedule a recurring export; each occurrence is an ordinary export in my-exports' })
  @ApiBody({ type: CreateScheduleDto })
  @ApiCreatedResponse({ type: ScheduleDto, headers: { Location: { description: "The schedule's URL", schema: { type: 'string' } } } })
  @ApiBadRequestResponse({
    description: 'Invalid cron, timezone, relative date or export request; every offending field is named in `message`',
  })
  @ApiConflictResponse({ description: 'The caller already has MAX_SCHEDULES_PER_USER schedules' })
  @ApiServiceUnavailableResponse({ description: 'The scheduler queue is unreachable; nothing was created' })
  async create(@CurrentUser() user: AuthUser, @Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<ScheduleDto> {
    const schedule = await this.schedules.create(user, body);
    res.setHeader('Location', `/api/exports/schedules/${schedule.schedule_id}`);
    return schedule;
  }

  @Get()
  @ApiOperation({ summary: "The caller's schedules (an admin's: everyone's, or one user's with user_id), oldest first, 20 per page" })
  @ApiOkResponse({ type: SchedulePageDto })
  list(@CurrentUser() user: AuthUser, @Query() query: ScheduleListQueryDto): Promise<SchedulePageDto> {
    return this.schedules.list(user, { page: query.page, perPage: query.per_page, userId: query.user_id });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One schedule, with its next run' })
  @ApiOkResponse({ type: ScheduleDto })
  @ApiNotFoundResponse({ description: "Unknown, or another user's schedule" })
  get(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<ScheduleDto> {
    return this.schedules.get(user, id);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Stop a schedule; exports it already made stay' })
  @ApiNoContentResponse({ description: 'Deleted (admins may delete any schedule)' })
  @ApiNotFoundResponse({ description: "Unknown, or another user's schedule" })
  delete(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    return this.schedules.delete(user, id);
  }
}
