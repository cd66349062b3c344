import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { settleConnection, watchConnection, withinDeadline } from '../redis/queue-producer';
import { RETRY_BASE_DELAY_MS } from '../exports/jobs/export-queue';
import { SCHEDULE_QUEUE, ScheduleTrigger } from './schedule-trigger';
import type { ScheduleJobData, ScheduleTiming } from './schedule-trigger';

/** Job schedulers listed per call while reconciling. */
const SCHEDULERS_PAGE = 1000;

/**
 * One BullMQ job scheduler per schedule, keyed by the schedule id. BullMQ adds one job per
 * occurrence (job id `repeat:<schedule id>:<occurrence millis>`), so however many workers listen,
 * each occurrence is handed to one of them.
 */
@Injectable()
export class BullmqScheduleTrigger extends ScheduleTrigger implements BeforeApplicationShutdown {
  private readonly logger = new Logger(BullmqScheduleTrigger.name);

  constructor(@InjectQueue(SCHEDULE_QUEUE) private readonly queue: Queue<ScheduleJobData>) {
    super();
    watchConnection(queue, this.logger, 'Queue');
  }

  beforeApplicationShutdown(): Promise<void> {
    return settleConnection(this.queue);
  }

  async upsert(schedule: ScheduleTiming): Promise<void> {
    await withinDeadline(() =>
      this.queue.upsertJobScheduler(
        schedule.id,
        { pattern: schedule.cron, tz: schedule.timezone },
        {
          name: 'run',
          data: { scheduleId: schedule.id },
          opts: {
            // Retries are safe: an occurrence's export is made under an idempotency key of its own.
            attempts: 3,
            backoff: { type: 'exponential', delay: RETRY_BASE_DELAY_MS },
            removeOnComplete: { age: 24 * 3600, count: 1000 },
            removeOnFail: { age: 7 * 24 * 3600 },
          },
        },
      ),
    );
  }

  async remove(scheduleId: string): Promise<void> {
    await withinDeadline(() => this.queue.removeJobScheduler(scheduleId));
  }

  /** Every job scheduler in Redis, as the timing it fires on. */
  async registered(): Promise<ScheduleTiming[]> {
    const found: ScheduleTiming[] = [];
    for (let start = 0; ; start += SCHEDULERS_PAGE) {
      const page = await withinDeadline(() => this.queue.getJobSchedulers(start, start + SCHEDULERS_PAGE - 1, true));
      found.push(...page.map((scheduler) => ({ id: scheduler.key, cron: scheduler.pattern ?? '', timezone: scheduler.tz ?? '' })));
      if (page.length < SCHEDULERS_PAGE) return found;
    }
  }
}
