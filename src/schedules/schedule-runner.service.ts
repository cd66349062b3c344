import { HttpException, Injectable, Logger } from '@nestjs/common';
import { PermanentExportError } from '../exports/export.errors';
import { TooManyActiveExportsException } from '../exports/exports.exception';
import { ExportsService } from '../exports/exports.service';
import { authUser } from '../auth/auth-user';
import type { AuthUser } from '../auth/auth-user';
import type { ExportSchedule } from './export-schedule.entity';
import { ExportSchedulesRepository } from './export-schedules.repository';
import { exportBodyAt, storedRequest } from './schedule-request.parser';

/** One idempotency key per occurrence: a second delivery of the same occurrence finds the first export. */
export function occurrenceKey(scheduleId: string, occurrence: Date): string {
  return `schedule:${scheduleId}:${occurrence.getTime()}`;
}

/** The schedule's owner as its runs act: with the roles the owner had when making it. */
function scheduleOwner(schedule: ExportSchedule): AuthUser {
  const roles = schedule.owner_roles ? (JSON.parse(schedule.owner_roles) as string[]) : [];
  return authUser(schedule.user_id, roles);
}

/** Runs one occurrence of a schedule: an ordinary export, made as the schedule's owner. */
@Injectable()
export class ScheduleRunner {
  private readonly logger = new Logger(ScheduleRunner.name);

  constructor(
    private readonly schedules: ExportSchedulesRepository,
    private readonly exports: ExportsService,
  ) {}

  /**
   * The export id, or undefined when the schedule was deleted (its leftover occurrence does nothing)
   * or the occurrence was skipped because the owner had MAX_ACTIVE_EXPORTS running (recorded on the
   * schedule). Throws PermanentExportError when the request is refused (no retry can fix it).
   */
  async run(scheduleId: string, occurrence: Date): Promise<number | undefined> {
    const schedule = await this.schedules.findById(scheduleId);
    if (!schedule) {
      this.logger.log(`Schedule ${scheduleId} no longer exists; its ${occurrence.toISOString()} occurrence does nothing`);
      return undefined;
    }
    const body = exportBodyAt(storedRequest(schedule.request), occurrence, schedule.timezone);
    const owner = scheduleOwner(schedule);
    try {
      const { job, created } = await this.exports.request(owner, body, occurrenceKey(schedule.id, occurrence), { scheduleId: schedule.id });
      await this.schedules.recordRun(schedule.id, occurrence, job.id);
      if (created) this.logger.log(`Schedule ${schedule.id} made export ${job.id} for ${occurrence.toISOString()}`);
      return job.id;
    } catch (error) {
      // Skipped, not retried: a retry queued behind a full cap would only pile up.
      if (error instanceof TooManyActiveExportsException) {
        const reason = `${error.active} exports were pending or running, the most allowed at once (MAX_ACTIVE_EXPORTS); this run made no export`;
        await this.schedules.recordSkip(schedule.id, occurrence, reason);
        this.logger.warn(`Schedule ${schedule.id} skipped its ${occurrence.toISOString()} run: ${reason}`);
        return undefined;
      }
      if (error instanceof HttpException && error.getStatus() < 500) {
        const detail = JSON.stringify((error.getResponse() as { message?: unknown }).message ?? error.message);
        throw new PermanentExportError(`Schedule ${schedule.id} could not make its ${occurrence.toISOString()} export: ${detail}`);
      }
      throw error;
    }
  }
}
