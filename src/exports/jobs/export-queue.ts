/** Hands export ids to workers. BullMQ on Redis in production; in-process in the embedded profile. */
export abstract class ExportQueue {
  abstract enqueue(exportId: number): Promise<void>;
}

export const EXPORT_QUEUE = 'exports';

/** Retry delays grow 5 s, 10 s, 20 s, ... */
export const RETRY_BASE_DELAY_MS = 5000;
