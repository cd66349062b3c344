import { Injectable } from '@nestjs/common';
import type { OnModuleDestroy } from '@nestjs/common';
import { ExportStatusDto } from '../exports/dto/export-status.dto';
import { ExportJobsRepository } from '../exports/export-jobs.repository';
import { ExportChangeFeed } from './export-change.feed';

export type StatusListener = (status: ExportStatusDto) => void;

/** A change notice can be lost (Redis restarting); this poll bounds how late a status can be. */
export const FALLBACK_POLL_MS = 5000;

interface Watch {
  listeners: Set<StatusListener>;
  stopListening: () => void;
  poll: NodeJS.Timeout;
  reading: boolean;
  /** A change arrived during a read: read once more after it. */
  again: boolean;
}

/**
 * This API node's one reader per watched export: however many streams watch an export, each change
 * notice (and each fallback poll) reads its row once and hands the status to all of them.
 */
@Injectable()
export class ExportStatusHub implements OnModuleDestroy {
  private readonly watches = new Map<number, Watch>();

  constructor(
    private readonly jobs: ExportJobsRepository,
    private readonly changes: ExportChangeFeed,
  ) {}

  /**
   * Calls `listener` with the export's status soon, then after every change (a listener may hear
   * the same status twice). Returns the function that stops; the export is read only while watched.
   */
  watch(exportId: number, listener: StatusListener): () => void {
    const watch = this.watches.get(exportId) ?? this.startWatching(exportId);
    watch.listeners.add(listener);
    // The newcomer needs the current status; a read already running is followed by one more.
    this.refresh(exportId);
    return () => {
      watch.listeners.delete(listener);
      if (watch.listeners.size > 0 || this.watches.get(exportId) !== watch) return;
      this.stop(exportId, watch);
    };
  }

  /** Exports watched on this node right now. */
  get watched(): number {
    return this.watches.size;
  }

  onModuleDestroy(): void {
    for (const [exportId, watch] of this.watches) this.stop(exportId, watch);
  }

  private startWatching(exportId: number): Watch {
    const watch: Watch = {
      listeners: new Set(),
      stopListening: this.changes.subscribe(exportId, () => this.refresh(exportId)),
      poll: setInterval(() => this.refresh(exportId), FALLBACK_POLL_MS),
      reading: false,
      again: false,
    };
    this.watches.set(exportId, watch);
    return watch;
  }

  private stop(exportId: number, watch: Watch): void {
    watch.stopListening();
    clearInterval(watch.poll);
    this.watches.delete(exportId);
  }

  private refresh(exportId: number): void {
    const watch = this.watches.get(exportId);
    if (!watch) return;
    if (watch.reading) {
      watch.again = true;
      return;
    }
    watch.reading = true;
    void this.read(exportId, watch);
  }

  private async read(exportId: number, watch: Watch): Promise<void> {
    do {
      watch.again = false;
      try {
        const job = await this.jobs.findById(exportId);
        // An export that vanished simply stops changing.
        if (job) {
          const status = ExportStatusDto.from(job);
          for (const listener of [...watch.listeners]) listener(status);
        }
      } catch {
        // The next notice or poll reads again.
      }
    } while (watch.again && this.watches.get(exportId) === watch);
    watch.reading = false;
  }
}
