import { Injectable } from '@nestjs/common';
import { ExportQueue } from './export-queue';

/**
 * For the CLI in the embedded profile: the in-process queue lives in the server process, so a
 * job put back to PENDING here is picked up by the server's maintenance sweep.
 */
@Injectable()
export class DeferredExportQueue extends ExportQueue {
  async enqueue(): Promise<void> {}

  async isQueued(): Promise<boolean> {
    return false;
  }

  async counts(): Promise<Record<string, number>> {
    return {};
  }
}
