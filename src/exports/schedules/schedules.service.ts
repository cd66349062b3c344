import { randomUUID } from 'node:crypto';
import { Injectable, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-user';
import { ScheduleDto } from './dto/schedule.dto';
import type { ExportSchedule } from './export-schedule.entity';
import { ExportSchedulesRepository } from './export-schedules.repository';
import { ScheduleRequestParser, serializeRequest } from './schedule-request.parser';
import { ScheduleTrigger } from './schedule-trigger';

const TRIGGER_UNAVAILABLE = 'The scheduler queue is unavailable right now, so nothing was changed. Try again in a minute.';

@Injectable()
export class SchedulesService {
  private readonly logger = new Logger(SchedulesService.name);

  constructor(
    private readonly parser: ScheduleRequestParser,
    private readonly schedules: ExportSchedulesRepository,
    private readonly trigger: ScheduleTrigger,
  ) {}

  async create(user: AuthUser, body: unknown): Promise<ScheduleDto> {
    const parsed = this.parser.parse(body, user);
    const schedule = await this.schedules.create({
      id: randomUUID(),
      userId: user.id,
      ownerRoles: user.roles,
      name: parsed.name,
      cron: parsed.cron,
      timezone: parsed.timezone,
      request: serializeRequest(parsed.request),
    });
    try {
      await this.trigger.upsert(schedule);
    } catch (error) {
      await this.schedules.delete(schedule.id);
      this.logger.error(`Could not register schedule ${schedule.id}: ${(error as Error).message}`);
      throw new ServiceUnavailableException(TRIGGER_UNAVAILABLE);
    }
    return ScheduleDto.from(schedule);
  }

  /** The caller's schedules; an admin's list has everyone's. */
  async list(user: AuthUser): Promise<ScheduleDto[]> {
    const now = new Date();
    return (await this.schedules.list(user.isAdmin ? undefined : user.id)).map((schedule) => ScheduleDto.from(schedule, now));
  }

  async get(user: AuthUser, id: string): Promise<ScheduleDto> {
    return ScheduleDto.from(await this.findVisible(user, id));
  }

  /** Stops the trigger first: a schedule row without a trigger is harmless, a trigger without its row fires forever. */
  async delete(user: AuthUser, id: string): Promise<void> {
    const schedule = await this.findVisible(user, id);
    try {
      await this.trigger.remove(schedule.id);
    } catch (error) {
      this.logger.error(`Could not remove the trigger of schedule ${schedule.id}: ${(error as Error).message}`);
      throw new ServiceUnavailableException(TRIGGER_UNAVAILABLE);
    }
    await this.schedules.delete(schedule.id);
  }

  /** The schedule if the caller may see it; otherwise 404 whether or not it exists. */
  private async findVisible(user: AuthUser, id: string): Promise<ExportSchedule> {
    const schedule = await this.schedules.findById(id);
    if (!schedule || (schedule.user_id !== user.id && !user.isAdmin)) throw new NotFoundException(`Schedule ${id} not found`);
    return schedule;
  }
}
