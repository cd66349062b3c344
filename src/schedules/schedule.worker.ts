import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { Job, Worker } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { createQueueWorker } from '../redis/queue-worker';
import { PermanentExportError } from '../exports/export.errors';
import { ScheduleRunner } from './schedule-runner.service';
import { SCHEDULE_QUEUE } from './schedule-trigger';
import type { ScheduleJobData } from './schedule-trigger';

/** Occurrences are quick (they only create and queue an export), so a few at once is plenty. */
const OCCURRENCE_CONCURRENCY = 4;

/** Consumes the schedules queue in worker processes: each job is one occurrence of one schedule. */
@Injectable()
export class ScheduleWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ScheduleWorker.name);
  private worker?: Worker<ScheduleJobData>;

  constructor(
    private readonly config: AppConfig,
    private readonly runner: ScheduleRunner,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = createQueueWorker<ScheduleJobData>(this.config, SCHEDULE_QUEUE, (job) => this.process(job), this.logger, {
      concurrency: OCCURRENCE_CONCURRENCY,
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  private async process(job: Job<ScheduleJobData>): Promise<void> {
    // A job scheduler's job carries its occurrence's scheduled time as `prevMillis`; a retry keeps it.
    const occurrence = new Date(job.opts.prevMillis ?? job.timestamp);
    try {
      await this.runner.run(job.data.scheduleId, occurrence);
    } catch (error) {
      if (error instanceof PermanentExportError) {
        this.logger.error(error.message);
        throw new UnrecoverableError(error.message);
      }
      throw error;
    }
  }
}
