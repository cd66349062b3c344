import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { AppConfig } from '../../config/app-config';
import { PermanentExportError } from '../export.errors';
import { ExportJobsRepository } from '../export-jobs.repository';
import { ExportQueue, RETRY_BASE_DELAY_MS } from './export-queue';
import { ExportRunner } from './export-runner.service';

/**
 * The embedded profile's queue (no Redis): same semantics as the BullMQ one (attempts with
 * exponential backoff, bounded concurrency) inside this process. The database is the source of
 * truth, so unfinished jobs are picked up again when the process starts.
 */
@Injectable()
export class InProcessExportQueue extends ExportQueue implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(InProcessExportQueue.name);
  /** With the trace context of the request that queued each, so the run continues its trace. */
  private readonly waiting: { exportId: number; origin: Context }[] = [];
  private readonly queued = new Set<number>();
  private readonly running = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly config: AppConfig,
    private readonly runner: ExportRunner,
    private readonly jobs: ExportJobsRepository,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    const ids = await this.jobs.findUnfinishedIds();
    if (ids.length > 0) this.logger.log(`Resuming ${ids.length} unfinished export(s): ${ids.join(', ')}`);
    for (const id of ids) await this.enqueue(id);
  }

  /** Before, not on, shutdown: running exports still need the database, which closes on shutdown. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running]);
  }

  async enqueue(exportId: number): Promise<void> {
    if (this.queued.has(exportId)) return;
    this.queued.add(exportId);
    this.waiting.push({ exportId, origin: context.active() });
    this.pump();
  }

  async counts(): Promise<Record<string, number>> {
    return { waiting: this.waiting.length, active: this.running.size };
  }

  async isQueued(exportId: number): Promise<boolean> {
    return this.queued.has(exportId);
  }

  private pump(): void {
    while (!this.stopping && this.running.size < this.config.exportConcurrency && this.waiting.length > 0) {
      const { exportId, origin } = this.waiting.shift() as { exportId: number; origin: Context };
      const task = context
        .with(origin, () => this.process(exportId))
        .finally(() => {
          this.running.delete(task);
          this.queued.delete(exportId);
          this.pump();
        });
      this.running.add(task);
    }
  }

  private async process(exportId: number): Promise<void> {
    for (let attempt = 1; attempt <= this.config.exportAttempts && !this.stopping; attempt++) {
      try {
        await this.runner.run(exportId, { isLastAttempt: attempt === this.config.exportAttempts });
        return;
      } catch (error) {
        if (error instanceof PermanentExportError) return;
        if (attempt < this.config.exportAttempts) await sleep(RETRY_BASE_DELAY_MS * 2 ** (attempt - 1));
      }
    }
  }
}
