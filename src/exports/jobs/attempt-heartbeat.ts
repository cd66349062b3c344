import { Logger } from '@nestjs/common';
import type { ExportJobsRepository } from '../export-jobs.repository';

/**
 * Writes an attempt's progress back about once a second (never per row) and learns from each
 * write whether the attempt still owns the job.
 */
export class AttemptHeartbeat {
  private readonly logger = new Logger(AttemptHeartbeat.name);
  private processed = 0;
  private total: number | null = null;
  private lost = false;
  private timer?: NodeJS.Timeout;
  private inFlight: Promise<void> = Promise.resolve();
  private beating = false;

  constructor(
    private readonly jobs: ExportJobsRepository,
    private readonly exportId: number,
    private readonly token: string,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      // One write at a time: two in flight on different pool connections can land out of order and
      // make progress go backwards. A slow database just means fewer, later beats.
      if (this.beating) return;
      this.beating = true;
      this.inFlight = this.beat().finally(() => {
        this.beating = false;
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  setTotal(total: number): void {
    this.total = total;
  }

  add(rows: number): void {
    this.processed += rows;
  }

  get processedRecords(): number {
    return this.processed;
  }

  get isLost(): boolean {
    return this.lost;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }

  private async beat(): Promise<void> {
    const percent = this.total ? Math.min(99, Math.floor((this.processed * 100) / this.total)) : 0;
    try {
      const owned = await this.jobs.heartbeat(this.exportId, this.token, { processed: this.processed, total: this.total, percent });
      if (!owned) this.lost = true;
    } catch (error) {
      // A missed beat is not fatal; the next one retries. Losing the claim is detected by the write.
      this.logger.warn(`Progress update for export ${this.exportId} failed: ${(error as Error).message}`);
    }
  }
}
