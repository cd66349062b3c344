import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user';
import { AppConfig } from '../config/app-config';
import { MAX_PER_PAGE } from '../exports/dto/page-query.dto';
import { ScheduleDto } from './dto/schedule.dto';
import type { SchedulePageDto } from './dto/schedule.dto';
import type { ExportSchedule } from './export-schedule.entity';
import { ExportSchedulesRepository } from './export-schedules.repository';
import { ScheduleRequestParser, serializeRequest } from './schedule-request.parser';
import { ScheduleTrigger } from './schedule-trigger';
import { SchedulesException, SchedulesExceptionCode } from './schedules.exception';

const TRIGGER_UNAVAILABLE = 'The scheduler queue is unavailable right now, so nothing was changed. Try again in a minute.';
/** One page holds a user's whole list at the default MAX_SCHEDULES_PER_USER. */
export const DEFAULT_SCHEDULES_PER_PAGE = 20;

export interface ScheduleListQuery {
  page?: number;
  perPage?: number;
  /** Admins only: narrow the list to one user. */
  userId?: string;
}

@Injectable()
export class SchedulesService {
  private readonly logger = new Logger(SchedulesService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly parser: ScheduleRequestParser,
    private readonly schedules: ExportSchedulesRepository,
    private readonly trigger: ScheduleTrigger,
  ) {}

  /** 409 once the caller has MAX_SCHEDULES_PER_USER schedules: each one is an export generator. */
  async create(user: AuthUser, body: unknown): Promise<ScheduleDto> {
    const parsed = this.parser.parse(body, user);
    const cap = this.config.maxSchedulesPerUser;
    const created = await this.schedules.createWithinCap(cap, {
      id: randomUUID(),
      userId: user.id,
      ownerRoles: user.roles,
      name: parsed.name,
      cron: parsed.cron,
      timezone: parsed.timezone,
      request: serializeRequest(parsed.request),
    });
    if ('held' in created) {
      throw new SchedulesException(
        SchedulesExceptionCode.TOO_MANY_SCHEDULES,
        `You have ${created.held} schedules, the most allowed per user (${cap}). Delete one you no longer need, then create this one.`,
      );
    }
    const { schedule } = created;
    try {
      await this.trigger.upsert(schedule);
    } catch (error) {
      await this.schedules.delete(schedule.id);
      this.logger.error(`Could not register schedule ${schedule.id}: ${(error as Error).message}`);
      throw new SchedulesException(SchedulesExceptionCode.SCHEDULER_UNAVAILABLE, TRIGGER_UNAVAILABLE);
    }
    return ScheduleDto.from(schedule);
  }

  /** The caller's schedules, oldest first; an admin's list has everyone's (or one user's). */
  async list(user: AuthUser, { page = 1, perPage = DEFAULT_SCHEDULES_PER_PAGE, userId }: ScheduleListQuery = {}): Promise<SchedulePageDto> {
    const size = Math.min(perPage, MAX_PER_PAGE);
    const owner = user.isAdmin ? userId : user.id;
    const [schedules, total] = await this.schedules.page(owner, page, size);
    const now = new Date();
    return {
      items: schedules.map((schedule) => ScheduleDto.from(schedule, now)),
      total_items: total,
      page,
      per_page: size,
      total_pages: Math.ceil(total / size),
    };
  }

  async get(user: AuthUser, id: string): Promise<ScheduleDto> {
    return ScheduleDto.from(await this.findVisible(user, id));
  }

  /**
   * The row first: the database is the source of truth, and the workers' reconciliation removes a
   * trigger left without its row (here, if the queue cannot be reached), so no occurrence outlives it.
   */
  async delete(user: AuthUser, id: string): Promise<void> {
    const schedule = await this.findVisible(user, id);
    await this.schedules.delete(schedule.id);
    try {
      await this.trigger.remove(schedule.id);
    } catch (error) {
      this.logger.warn(`Schedule ${schedule.id} deleted; its trigger goes at the next reconciliation: ${(error as Error).message}`);
    }
  }

  /** The schedule if the caller may see it; otherwise 404 whether or not it exists. */
  private async findVisible(user: AuthUser, id: string): Promise<ExportSchedule> {
    const schedule = await this.schedules.findById(id);
    if (!schedule || (schedule.user_id !== user.id && !user.isAdmin))
      throw new SchedulesException(SchedulesExceptionCode.SCHEDULE_NOT_FOUND, `Schedule ${id} not found`);
    return schedule;
  }
}
