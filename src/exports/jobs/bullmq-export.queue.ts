import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { EXPORT_QUEUE, ExportQueue } from './export-queue';

export interface ExportJobData {
  exportId: number;
}

/** `jobId` is derived from the export id, so enqueueing the same export twice adds it once. */
export function bullJobId(exportId: number): string {
  return `export-${exportId}`;
}

const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * Queue calls give up after this long: while Redis is unreachable ioredis holds commands until it
 * reconnects, and a request should get its 503 now rather than hang.
 */
export const QUEUE_DEADLINE_MS = 2000;

export async function withinDeadline<T>(call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${QUEUE_DEADLINE_MS} ms`)), QUEUE_DEADLINE_MS);
  });
  try {
    return await Promise.race([call(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

@Injectable()
export class BullmqExportQueue extends ExportQueue implements BeforeApplicationShutdown {
  private readonly logger = new Logger(BullmqExportQueue.name);

  constructor(@InjectQueue(EXPORT_QUEUE) private readonly queue: Queue<ExportJobData>) {
    super();
    // Without a listener an 'error' event (Redis unreachable) would crash the process; requests get 503 instead.
    queue.on('error', (error) => this.logger.warn(`Queue connection: ${error.message}`));
  }

  /**
   * BullMQ checks the Redis version as it connects; closing before that check is done makes it emit
   * an 'error' nobody can listen to (a short CLI run could crash on exit), so let it finish first.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await withinDeadline(() => this.queue.waitUntilReady()).catch(() => undefined);
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
