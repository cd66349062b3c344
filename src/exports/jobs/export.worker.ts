import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { Job, Worker } from 'bullmq';
import { AppConfig } from '../../config/app-config';
import { createQueueWorker } from '../../redis/queue-worker';
import { PermanentExportError } from '../export.errors';
import type { ExportJobData } from './bullmq-export.queue';
import { EXPORT_QUEUE } from './export-queue';
import { ExportRunner } from './export-runner.service';

/** The BullMQ consumer of the exports queue: it only unpacks the job and calls the runner. */
@Injectable()
export class ExportWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ExportWorker.name);
  private worker?: Worker<ExportJobData>;

  constructor(
    private readonly config: AppConfig,
    private readonly runner: ExportRunner,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = createQueueWorker<ExportJobData>(this.config, EXPORT_QUEUE, (job) => this.process(job), this.logger, {
      concurrency: this.config.exportConcurrency,
      lockDuration: this.config.exportLockMs,
      stalledInterval: Math.max(1000, Math.floor(this.config.exportLockMs / 2)),
      // A job whose worker died is handed out again; the attempt budget still bounds retries.
      maxStalledCount: this.config.exportAttempts,
    });
    this.logger.log(`Export worker ${this.runner.workerId} listening (concurrency ${this.config.exportConcurrency})`);
  }

  /** Before, not on, shutdown: running exports still need the database, which closes on shutdown. */
  async beforeApplicationShutdown(): Promise<void> {
    // Waits for running exports to finish; a job cut short is picked up again via its stalled lock.
    await this.worker?.close();
  }

  private async process(job: Job<ExportJobData>): Promise<void> {
    const attempts = job.opts.attempts ?? 1;
    try {
      await this.runner.run(job.data.exportId, { isLastAttempt: job.attemptsMade + 1 >= attempts });
    } catch (error) {
      if (error instanceof PermanentExportError) throw new UnrecoverableError(error.message);
      throw error;
    }
  }
}
