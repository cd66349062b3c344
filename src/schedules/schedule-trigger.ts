import type { ExportSchedule } from './export-schedule.entity';

/** What a trigger needs to know of a schedule: when it fires. */
export type ScheduleTiming = Pick<ExportSchedule, 'id' | 'cron' | 'timezone'>;

/** Fires a schedule's occurrences: BullMQ job schedulers with Redis, timers in the embedded profile. */
export abstract class ScheduleTrigger {
  /** Starts (or restarts) firing the schedule's occurrences. */
  abstract upsert(schedule: ScheduleTiming): Promise<void>;
  /** Stops firing them. An occurrence already running still finishes. */
  abstract remove(scheduleId: string): Promise<void>;
}

export const SCHEDULE_QUEUE = 'export-schedules';

export interface ScheduleJobData {
  scheduleId: string;
}
