import { hostname } from 'node:os';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';
import { ExportWorkerRecord } from './export-worker.entity';

/** Keeps this process's row in export_workers fresh, so ops can see which workers are alive. */
@Injectable()
export class WorkerRegistry {
  private readonly logger = new Logger(WorkerRegistry.name);
  private readonly startedAt = new Date();
  private active = 0;

  constructor(@InjectRepository(ExportWorkerRecord) private readonly workers: Repository<ExportWorkerRecord>) {}

  jobStarted(): void {
    this.active++;
  }

  jobEnded(): void {
    this.active = Math.max(0, this.active - 1);
  }

  async beat(workerId: string, concurrency: number): Promise<void> {
    try {
      await this.workers.save({
        worker_id: workerId,
        hostname: hostname().slice(0, 128),
        pid: process.pid,
        concurrency,
        active_jobs: this.active,
        started_at: this.startedAt,
        heartbeat_at: new Date(),
      });
    } catch (error) {
      this.logger.warn(`Worker heartbeat failed: ${(error as Error).message}`);
    }
  }

  async leave(workerId: string): Promise<void> {
    await this.workers.delete({ worker_id: workerId }).catch(() => undefined);
  }

  /** Workers that reported within the window, most recent first. */
  seenSince(since: Date): Promise<ExportWorkerRecord[]> {
    return this.workers.find({ where: { heartbeat_at: MoreThan(since) }, order: { heartbeat_at: 'DESC' } });
  }

  all(): Promise<ExportWorkerRecord[]> {
    return this.workers.find({ order: { heartbeat_at: 'DESC' } });
  }
}
