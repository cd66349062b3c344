import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { settleConnection, watchConnection, withinDeadline } from '../redis/queue-producer';
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
    watchConnection(queue, this.logger, 'Notification queue');
  }

  beforeApplicationShutdown(): Promise<void> {
    return settleConnection(this.queue);
  }

  async enqueue(notificationId: number): Promise<void> {
    await withinDeadline(() => this.queue.add('deliver', { notificationId }, { jobId: `notification-${notificationId}` }));
  }
}
