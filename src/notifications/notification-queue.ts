/** Hands outbox rows to a sender with retries: BullMQ on Redis, in-process in the embedded profile. */
export abstract class NotificationQueue {
  /** Makes sure the row will be delivered; a row already queued or in flight is not added twice. */
  abstract enqueue(notificationId: number): Promise<void>;
}

export const NOTIFICATION_QUEUE = 'notifications';

/** Attempts per outbox row, counted in the row itself so a restart does not reset them. */
export const NOTIFICATION_ATTEMPTS = 6;

/** Delay before attempt `attempt + 1`: base, 2 x base, 4 x base, ... (BullMQ's exponential backoff). */
export function notificationBackoffMs(baseMs: number, attempt: number): number {
  return baseMs * 2 ** (attempt - 1);
}
