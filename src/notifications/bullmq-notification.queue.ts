import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { withinDeadline } from '../exports/jobs/bullmq-export.queue';
import { NOTIFICATION_QUEUE, NotificationQueue } from './notification-queue';

export interface NotificationJobData {
  notificationId: number;
}

/** `jobId` is derived from the outbox row, so queueing a row twice adds it once. */
@Injectable()
export class BullmqNotificationQueue extends NotificationQueue implements BeforeApplicationShutdown {
  private readonly logger = new Logger(BullmqNotificationQueue.name);

  constructor(@InjectQueue(NOTIFICATION_QUEUE) private readonly queue: Queue<NotificationJobData>) {
    super();
    queue.on('error', (error) => this.logger.warn(`Notification queue connection: ${error.message}`));
  }

  /** As for the export queue: closing before BullMQ's connect-time check ends makes it emit an unhandled error. */
  async beforeApplicationShutdown(): Promise<void> {
    await withinDeadline(() => this.queue.waitUntilReady()).catch(() => undefined);
  }

  async enqueue(notificationId: number): Promise<void> {
    await withinDeadline(() => this.queue.add('deliver', { notificationId }, { jobId: `notification-${notificationId}` }));
  }
}
