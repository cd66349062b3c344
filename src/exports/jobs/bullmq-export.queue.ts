import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { EXPORT_QUEUE, ExportQueue } from './export-queue';

export interface ExportJobData {
  exportId: number;
}

/** `jobId` is derived from the export id, so enqueueing the same export twice adds it once. */
export function bullJobId(exportId: number): string {
  return `export-${exportId}`;
}

@Injectable()
export class BullmqExportQueue extends ExportQueue {
  constructor(@InjectQueue(EXPORT_QUEUE) private readonly queue: Queue<ExportJobData>) {
    super();
  }

  async enqueue(exportId: number): Promise<void> {
    await this.queue.add('export', { exportId }, { jobId: bullJobId(exportId) });
  }
}
