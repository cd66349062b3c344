import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, Repository } from 'typeorm';
import { sqlTime } from '../export-jobs.repository';
import { ExportSchedule } from './export-schedule.entity';

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
  constructor(@InjectRepository(ExportSchedule) private readonly repo: Repository<ExportSchedule>) {}

  create(schedule: NewExportSchedule): Promise<ExportSchedule> {
    return this.repo.save(
      this.repo.create({
        id: schedule.id,
        user_id: schedule.userId,
        owner_roles: JSON.stringify(schedule.ownerRoles),
        name: schedule.name,
        cron: schedule.cron,
        timezone: schedule.timezone,
        request: schedule.request,
        created_at: new Date(),
        last_run_at: null,
        last_export_id: null,
      }),
    );
  }

  findById(id: string): Promise<ExportSchedule | null> {
    return this.repo.findOneBy({ id });
  }

  /** Oldest first; every user's when `userId` is undefined. */
  list(userId?: string): Promise<ExportSchedule[]> {
    return this.repo.find({ where: { user_id: userId }, order: { created_at: 'ASC', id: 'ASC' } });
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
}
