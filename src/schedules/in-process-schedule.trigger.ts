import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { nextOccurrences } from './cron.util';
import { ExportSchedulesRepository } from './export-schedules.repository';
import { ScheduleRunner } from './schedule-runner.service';
import { ScheduleTrigger } from './schedule-trigger';
import type { ScheduleTiming } from './schedule-trigger';

/** setTimeout fires at once for delays past 2^31-1 ms (~24.8 days); longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The embedded profile's trigger (no Redis, one process): a timer per schedule, armed for its next
 * occurrence. Occurrences missed while the process was down are skipped, as BullMQ's are.
 */
@Injectable()
export class InProcessScheduleTrigger extends ScheduleTrigger implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(InProcessScheduleTrigger.name);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Occurrences in progress, with their schedule's id. */
  private readonly running = new Map<Promise<unknown>, string>();
  private stopping = false;

  constructor(
    private readonly schedules: ExportSchedulesRepository,
    private readonly runner: ScheduleRunner,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const schedule of await this.schedules.timings()) this.arm(schedule, new Date());
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running.keys()]);
  }

  async upsert(schedule: ScheduleTiming): Promise<void> {
    this.arm(schedule, new Date());
  }

  /** Also waits for a running occurrence of the schedule, so nothing is made after the delete is answered. */
  async remove(scheduleId: string): Promise<void> {
    clearTimeout(this.timers.get(scheduleId));
    this.timers.delete(scheduleId);
    await Promise.allSettled([...this.running].filter(([, id]) => id === scheduleId).map(([run]) => run));
  }

  private arm(schedule: ScheduleTiming, after: Date): void {
    clearTimeout(this.timers.get(schedule.id));
    const [occurrence] = nextOccurrences(schedule.cron, schedule.timezone, after, 1);
    this.wait(schedule, occurrence);
  }

  private wait(schedule: ScheduleTiming, occurrence: Date): void {
    const delay = occurrence.getTime() - Date.now();
    const timer =
      delay > MAX_TIMER_MS
        ? setTimeout(() => this.wait(schedule, occurrence), MAX_TIMER_MS)
        : setTimeout(() => this.fire(schedule, occurrence), Math.max(0, delay));
    this.timers.set(schedule.id, timer);
  }

  private fire(schedule: ScheduleTiming, occurrence: Date): void {
    if (this.stopping) return;
    // Armed from the later of the occurrence and now: a process that fell behind skips, it does not catch up.
    this.arm(schedule, new Date(Math.max(occurrence.getTime(), Date.now())));
    const run = this.runner
      .run(schedule.id, occurrence)
      .catch((error: Error) => this.logger.error(`Schedule ${schedule.id}, ${occurrence.toISOString()}: ${error.message}`))
      .finally(() => this.running.delete(run));
    this.running.set(run, schedule.id);
  }
}
