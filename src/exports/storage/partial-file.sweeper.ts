import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import type { ExportJob } from '../export-job.entity';
import { ExportJobsRepository } from '../export-jobs.repository';
import { ExportStorage } from './export-storage';
import type { PartialFile } from './export-storage';

/** Storage keys start with their export's id: `<id>-<uuid>.<ext>` (ExportRunner). Others are not ours. */
const EXPORT_KEY = /^(\d+)-/;

/** Partial files looked up in the database at once. */
const BATCH_SIZE = 500;

/**
 * The least margin between a file's time and the claim of the export's current attempt: DATETIME
 * keeps whole seconds (MySQL rounds), and worker, disk and bucket clocks differ a little.
 */
const MIN_CLAIM_MARGIN_MS = 2000;

type AttemptState = Pick<ExportJob, 'id' | 'status' | 'started_at'>;

/**
 * Removes the partial files (local `.partial` files, S3 multipart uploads) of attempts that are
 * over: a worker killed mid-export never discards its own. Files are listed before their exports
 * are read, so the attempt that wrote a file had claimed its export before that read. Then:
 * - an export that is not PROCESSING (finished, failed, back in the queue, gone) has no attempt
 *   writing to it any more: its files go;
 * - a PROCESSING export keeps the files of its current attempt, which are all written after that
 *   attempt's claim (`started_at`); a file last written well before that claim is an earlier
 *   attempt's and goes. A claim is taken over only once the previous attempt has been silent for
 *   EXPORT_LOCK_MS, so half of it is the margin.
 * A running export's file is never removed, whichever version of the service named it.
 */
@Injectable()
export class PartialFileSweeper {
  private readonly logger = new Logger(PartialFileSweeper.name);

  constructor(
    private readonly config: AppConfig,
    private readonly storage: ExportStorage,
    private readonly jobs: ExportJobsRepository,
  ) {}

  private get claimMarginMs(): number {
    return Math.max(this.config.exportLockMs / 2, MIN_CLAIM_MARGIN_MS);
  }

  async sweep(): Promise<void> {
    let batch: PartialFile[] = [];
    for await (const file of this.storage.partialFiles()) {
      if (!EXPORT_KEY.test(file.key)) continue;
      batch.push(file);
      if (batch.length === BATCH_SIZE) {
        await this.sweepBatch(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await this.sweepBatch(batch);
  }

  private async sweepBatch(files: PartialFile[]): Promise<void> {
    const ids = [...new Set(files.map(exportIdOf))];
    const states = new Map((await this.jobs.findAttemptStates(ids)).map((state) => [state.id, state]));
    for (const file of files) {
      if (!this.isAttemptOver(file, states.get(exportIdOf(file)))) continue;
      await file.remove();
      this.logger.log(`Removed the partial file ${file.key}: the attempt that wrote it is over`);
    }
  }

  private isAttemptOver(file: PartialFile, state: AttemptState | undefined): boolean {
    if (state?.status !== 'PROCESSING') return true;
    return state.started_at !== null && file.writtenAt.getTime() < state.started_at.getTime() - this.claimMarginMs;
  }
}

function exportIdOf(file: PartialFile): number {
  return Number(EXPORT_KEY.exec(file.key)?.[1]);
}
