import { writeFile } from 'node:fs/promises';
import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { ExportAuditService } from '../audit/export-audit.service';
import { ExportJobsRepository } from '../export-jobs.repository';
import { ExportEvents } from '../ports/export-events';
import { RetentionService } from '../retention/retention.service';
import { PartialFileSweeper } from '../storage/partial-file.sweeper';
import { WorkerRegistry } from '../workers/worker-registry.service';
import { ExportQueue } from './export-queue';
import { ExportRunner } from './export-runner.service';

export const ORPHANED_EXPORT_ERROR =
  'The worker producing this export stopped (it crashed or was shut down) and no retry is left. Request the export again.';

/**
 * Runs in every worker: heartbeat into the worker registry, expire files past retention, fail
 * PROCESSING jobs whose worker is gone for good, re-queue PENDING jobs the queue lost, and remove
 * the partial files of attempts that are over. Every step is a conditional update or an idempotent
 * removal, so many workers can sweep at once.
 */
@Injectable()
export class ExportMaintenance implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ExportMaintenance.name);
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(
    private readonly config: AppConfig,
    private readonly jobs: ExportJobsRepository,
    private readonly queue: ExportQueue,
    private readonly runner: ExportRunner,
    private readonly registry: WorkerRegistry,
    private readonly retention: RetentionService,
    private readonly audit: ExportAuditService,
    private readonly events: ExportEvents,
    private readonly partialFiles: PartialFileSweeper,
  ) {}

  get intervalMs(): number {
    return Math.max(1000, Math.min(this.config.exportLockMs / 2, 10_000));
  }

  async onApplicationBootstrap(): Promise<void> {
    // Only the heartbeat now: the first sweep waits an interval so queues can resume their jobs first.
    await this.registry.beat(this.runner.workerId, this.config.exportConcurrency);
    await this.markAlive();
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep()
        .then(() => this.markAlive())
        .finally(() => (this.sweeping = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Before, not on, shutdown: a sweep in flight and leaving the registry need the database. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
    await this.registry.leave(this.runner.workerId);
  }

  async sweep(): Promise<void> {
    try {
      await this.registry.beat(this.runner.workerId, this.config.exportConcurrency);
      await this.retention.expireDue();
      await this.failOrphans();
      await this.requeueLostPending();
      await this.events.swept();
      // Last: a bucket policy without s3:ListBucketMultipartUploads must not stop the steps above.
      await this.partialFiles.sweep();
    } catch (error) {
      this.logger.warn(`Maintenance sweep failed: ${(error as Error).message}`);
    }
  }

  /**
   * Touches WORKER_HEARTBEAT_FILE, if set: a fresh file says the event loop turns and the sweeps
   * complete (a sweep stuck on a hung database connection stops it). The container healthcheck
   * reads its age.
   */
  private async markAlive(): Promise<void> {
    if (!this.config.workerHeartbeatFile) return;
    await writeFile(this.config.workerHeartbeatFile, `${new Date().toISOString()}\n`).catch((error: Error) =>
      this.logger.warn(`Could not write the heartbeat file: ${error.message}`),
    );
  }

  private async failOrphans(): Promise<void> {
    const silentSince = new Date(Date.now() - this.config.staleJobMs);
    for (const job of await this.jobs.findSilent(silentSince)) {
      if (await this.queue.isQueued(job.id)) continue;
      if (await this.jobs.failIfSilent(job.id, silentSince, ORPHANED_EXPORT_ERROR)) {
        this.logger.warn(`Export ${job.id} had no heartbeat since ${job.heartbeat_at?.toISOString()} and no retry left: FAILED`);
        await this.audit.record(job.id, 'failed', null, ORPHANED_EXPORT_ERROR);
        await this.events.finished(job.id);
      }
    }
  }

  private async requeueLostPending(): Promise<void> {
    // Older than one sweep: a request still between its insert and its enqueue is left alone.
    for (const job of await this.jobs.findPendingSince(new Date(Date.now() - this.intervalMs))) {
      if (await this.queue.isQueued(job.id)) continue;
      this.logger.warn(`Export ${job.id} was PENDING but not queued: queued again`);
      await this.queue.enqueue(job.id);
    }
  }
}
