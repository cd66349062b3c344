import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository } from 'typeorm';
import { sqlTime } from '../exports/export-jobs.repository';
import { OwnerQuota } from '../exports/owner-quota';
import { ExportSchedule } from './export-schedule.entity';
import type { ScheduleTiming } from './schedule-trigger';

export interface NewExportSchedule {
  id: string;
  userId: string;
  /** The owner's roles when the schedule was made; its runs have them. */
  ownerRoles: readonly string[];
  name: string | null;
  cron: string;
  timezone: string;
  request: string;
}

@Injectable()
export class ExportSchedulesRepository {
  constructor(
    @InjectRepository(ExportSchedule) private readonly repo: Repository<ExportSchedule>,
    private readonly quota: OwnerQuota,
  ) {}

  /** Inserts the schedule unless its owner already has `maxPerUser`; the count and the insert are atomic (OwnerQuota). */
  async createWithinCap(maxPerUser: number, schedule: NewExportSchedule): Promise<{ schedule: ExportSchedule } | { held: number }> {
    const outcome = await this.quota.writeWithinCap({
      ownerId: schedule.userId,
      cap: maxPerUser,
      held: (manager) =>
        manager.createQueryBuilder(ExportSchedule, 'schedule').where('schedule.user_id = :userId', { userId: schedule.userId }),
      write: (manager) =>
        manager
          .createQueryBuilder()
          .insert()
          .into(ExportSchedule)
          .values({
            id: schedule.id,
            user_id: schedule.userId,
            owner_roles: JSON.stringify(schedule.ownerRoles),
            name: schedule.name,
            cron: schedule.cron,
            timezone: schedule.timezone,
            request: schedule.request,
            created_at: new Date(),
          }),
    });
    if (!outcome.written) return { held: outcome.held };
    return { schedule: (await this.findById(schedule.id)) as ExportSchedule };
  }

  findById(id: string): Promise<ExportSchedule | null> {
    return this.repo.findOneBy({ id });
  }

  /** Oldest first; every user's when `userId` is undefined. */
  page(userId: string | undefined, page: number, perPage: number): Promise<[ExportSchedule[], number]> {
    return this.repo.findAndCount({
      where: { user_id: userId },
      order: { created_at: 'ASC', id: 'ASC' },
      skip: (page - 1) * perPage,
      take: perPage,
    });
  }

  /** When every schedule fires: what the triggers are armed from. */
  timings(): Promise<ScheduleTiming[]> {
    return this.repo.find({ select: { id: true, cron: true, timezone: true }, order: { created_at: 'ASC', id: 'ASC' } });
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
  }

  /** Records a run unless a later occurrence was recorded already (occurrences may finish out of order). */
  async recordRun(id: string, occurrence: Date, exportId: number): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ last_run_at: occurrence, last_export_id: exportId })
      .where('id = :id', { id })
      .andWhere(new Brackets((qb) => qb.where('last_run_at IS NULL').orWhere('last_run_at <= :at', { at: sqlTime(occurrence) })))
      .execute();
  }

  async recordSkip(id: string, occurrence: Date, reason: string): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ skipped_runs: () => 'skipped_runs + 1', last_skipped_at: occurrence, last_skip_reason: reason.slice(0, 255) })
      .where('id = :id', { id })
      .execute();
  }
}
