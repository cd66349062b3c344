/** Hands export ids to workers. BullMQ on Redis in production; in-process in the embedded profile. */
export abstract class ExportQueue {
  /** Makes sure the export will be run: adds it, or re-adds it if an earlier run of it has ended. */
  abstract enqueue(exportId: number): Promise<void>;
  /** Whether a run of the export is waiting, delayed or active, i.e. a worker will still see it. */
  abstract isQueued(exportId: number): Promise<boolean>;
  /** Jobs per queue state, as far as this process can see them. */
  abstract counts(): Promise<Record<string, number>>;
}

export const EXPORT_QUEUE = 'exports';

/** Retry delays grow 5 s, 10 s, 20 s, ... */
export const RETRY_BASE_DELAY_MS = 5000;
