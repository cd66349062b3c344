import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { settleConnection, watchConnection, withinDeadline } from '../../redis/queue-producer';
import { EXPORT_QUEUE, ExportQueue } from './export-queue';

export interface ExportJobData {
  exportId: number;
}

/** `jobId` is derived from the export id, so enqueueing the same export twice adds it once. */
export function bullJobId(exportId: number): string {
  return `export-${exportId}`;
}

const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

@Injectable()
export class BullmqExportQueue extends ExportQueue implements BeforeApplicationShutdown {
  private readonly logger = new Logger(BullmqExportQueue.name);

  constructor(@InjectQueue(EXPORT_QUEUE) private readonly queue: Queue<ExportJobData>) {
    super();
    // Requests get a 503 while Redis is unreachable.
    watchConnection(queue, this.logger, 'Queue');
  }

  beforeApplicationShutdown(): Promise<void> {
    return settleConnection(this.queue);
  }

  enqueue(exportId: number): Promise<void> {
    return withinDeadline(async () => {
      const existing = await this.queue.getJob(bullJobId(exportId));
      // A finished BullMQ job keeps its id until retention removes it; a re-run needs it gone first.
      if (existing && !LIVE_STATES.has(await existing.getState())) await existing.remove();
      await this.queue.add('export', { exportId }, { jobId: bullJobId(exportId) });
    });
  }

  counts(): Promise<Record<string, number>> {
    return withinDeadline(() => this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'));
  }

  isQueued(exportId: number): Promise<boolean> {
    return withinDeadline(async () => {
      const job = await this.queue.getJob(bullJobId(exportId));
      return job !== undefined && LIVE_STATES.has(await job.getState());
    });
  }
}
