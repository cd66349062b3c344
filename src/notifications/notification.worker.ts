import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { Worker } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { createQueueWorker } from '../redis/queue-worker';
import type { NotificationJobData } from './bullmq-notification.queue';
import { NotificationDelivery } from './notification-delivery.service';
import { NOTIFICATION_QUEUE } from './notification-queue';

const CONCURRENCY = 4;

/** The BullMQ consumer of the notifications queue (worker role). */
@Injectable()
export class NotificationWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(NotificationWorker.name);
  private worker?: Worker<NotificationJobData>;

  constructor(
    private readonly config: AppConfig,
    private readonly delivery: NotificationDelivery,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = createQueueWorker<NotificationJobData>(
      this.config,
      NOTIFICATION_QUEUE,
      (job) => this.delivery.deliver(job.data.notificationId),
      this.logger,
      { concurrency: CONCURRENCY },
    );
  }

  /** Before, not on, shutdown: a delivery in flight still needs the database. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
