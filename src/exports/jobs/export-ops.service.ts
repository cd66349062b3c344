import { Injectable } from '@nestjs/common';
import { ExportAuditService } from '../audit/export-audit.service';
import type { ExportJob, ExportStatus } from '../export-job.entity';
import { ExportJobsRepository } from '../export-jobs.repository';
import type { JobListFilter } from '../export-jobs.repository';
import { ExportQueue } from './export-queue';
import { RetentionService } from '../retention/retention.service';
import type { ExportWorkerRecord } from '../workers/export-worker.entity';
import { WorkerRegistry } from '../workers/worker-registry.service';
import { OpsError } from './ops.error';

export interface QueueInspection {
  queue: Record<string, number>;
  statuses: Partial<Record<ExportStatus, number>>;
  active: ExportJob[];
  workers: ExportWorkerRecord[];
}

/** What operators do to exports (the CLI's verbs), independent of how they are invoked. */
@Injectable()
export class ExportOpsService {
  constructor(
    private readonly jobs: ExportJobsRepository,
    private readonly queue: ExportQueue,
    private readonly retention: RetentionService,
    private readonly workers: WorkerRegistry,
    private readonly audit: ExportAuditService,
  ) {}

  list(filter: JobListFilter): Promise<ExportJob[]> {
    return this.jobs.list(filter);
  }

  async inspect(): Promise<QueueInspection> {
    const [queue, statuses, active, workers] = await Promise.all([
      this.queue.counts(),
      this.jobs.countByStatus(),
      this.jobs.list({ status: 'PROCESSING', limit: 100 }),
      this.workers.all(),
    ]);
    return { queue, statuses, active, workers };
  }

  /** Puts a FAILED or CANCELLED export, or one stuck PENDING, back on the queue. */
  async retry(id: number, actor: string, reason = 'retried by an operator'): Promise<ExportJob> {
    const job = await this.require(id);
    if (job.status !== 'PENDING' && !(await this.jobs.reset(id))) {
      throw new OpsError(`Export ${id} is ${job.status}; only FAILED, CANCELLED or stuck PENDING exports can be retried`);
    }
    await this.queue.enqueue(id);
    await this.audit.record(id, 'retrying', actor, reason);
    return this.require(id);
  }

  async cancel(id: number, actor: string): Promise<ExportJob> {
    const job = await this.require(id);
    if (!(await this.jobs.cancel(id))) throw new OpsError(`Export ${id} is already ${job.status}; nothing to cancel`);
    await this.audit.record(id, 'cancelled', actor, 'cancelled by an operator');
    return this.require(id);
  }

  cleanup(olderThanMs: number, dryRun: boolean): Promise<ExportJob[]> {
    return this.retention.cleanup(new Date(Date.now() - olderThanMs), dryRun);
  }

  private async require(id: number): Promise<ExportJob> {
    const job = await this.jobs.findById(id);
    if (!job) throw new OpsError(`Export ${id} not found`);
    return job;
  }
}
