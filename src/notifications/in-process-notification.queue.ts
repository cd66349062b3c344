import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import type { BeforeApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { NotificationDelivery } from './notification-delivery.service';
import { NOTIFICATION_ATTEMPTS, NotificationQueue, notificationBackoffMs } from './notification-queue';

/**
 * The embedded profile's notification queue: the same attempts and backoff as the BullMQ one, in
 * this process. Rows cut short by a shutdown stay pending and are queued again by the next sweep.
 */
@Injectable()
export class InProcessNotificationQueue extends NotificationQueue implements BeforeApplicationShutdown {
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly config: AppConfig,
    private readonly delivery: NotificationDelivery,
  ) {
    super();
  }

  async enqueue(notificationId: number): Promise<void> {
    if (this.inFlight.has(notificationId) || this.stopping.signal.aborted) return;
    const task = this.deliverWithRetries(notificationId).finally(() => this.inFlight.delete(notificationId));
    this.inFlight.set(notificationId, task);
  }

  /** Before, not on, shutdown: an attempt in flight still needs the database. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled(this.inFlight.values());
  }

  private async deliverWithRetries(notificationId: number): Promise<void> {
    for (let attempt = 1; attempt <= NOTIFICATION_ATTEMPTS && !this.stopping.signal.aborted; attempt++) {
      try {
        await this.delivery.deliver(notificationId);
        return;
      } catch {
        // The delivery logged the failure and recorded it on the row.
        if (attempt === NOTIFICATION_ATTEMPTS) return;
        await sleep(notificationBackoffMs(this.config.notifyRetryBaseMs, attempt), undefined, { signal: this.stopping.signal }).catch(
          () => undefined,
        );
      }
    }
  }
}
