import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Worker } from 'bullmq';
import { AppConfig } from '../../config/app-config';
import { redisOptions } from '../../redis/redis-options';
import type { NotificationJobData } from './bullmq-notification.queue';
import { NotificationDelivery } from './notification-delivery.service';
import { NOTIFICATION_QUEUE } from './notification-queue';

const CONCURRENCY = 4;

/** The BullMQ consumer of the notifications queue (worker role); built by hand like ExportWorker. */
@Injectable()
export class NotificationWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(NotificationWorker.name);
  private worker?: Worker<NotificationJobData>;

  constructor(
    private readonly config: AppConfig,
    private readonly delivery: NotificationDelivery,
  ) {}

  onApplicationBootstrap(): void {
    const redisUrl = this.config.redisUrl;
    if (!redisUrl) throw new Error('NotificationWorker needs REDIS_URL');
    this.worker = new Worker<NotificationJobData>(NOTIFICATION_QUEUE, (job) => this.delivery.deliver(job.data.notificationId), {
      connection: { ...redisOptions(redisUrl), maxRetriesPerRequest: null },
      prefix: this.config.queuePrefix,
      concurrency: CONCURRENCY,
    });
    this.worker.on('error', (error) => this.logger.error(`Notification queue connection error: ${error.message}`));
  }

  /** Before, not on, shutdown: a delivery in flight still needs the database. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
