import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import type { DynamicModule, Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { ProcessRole } from '../app-role';
import type { AppConfig } from '../config/app-config';
import { BullmqNotificationQueue } from './bullmq-notification.queue';
import { EmailSender } from './email.sender';
import { ExportNotification } from './export-notification.entity';
import { ExportNotifier } from './export-notifier.service';
import { NotificationDelivery } from './notification-delivery.service';
import { NotificationOutbox } from './notification-outbox.repository';
import { NOTIFICATION_ATTEMPTS, NOTIFICATION_QUEUE, NotificationQueue } from './notification-queue';
import { NotificationWorker } from './notification.worker';
import { InProcessNotificationQueue } from './in-process-notification.queue';
import { WebhookSecretController } from './webhook-secret.controller';
import { WebhookSender } from './webhook.sender';

/**
 * Webhook and email notifications of export outcomes, through an outbox table. Imported by the
 * (global) ExportsModule, whose job repository and query registry it uses.
 */
@Module({})
export class NotificationsModule {
  static forRoot(config: AppConfig, role: ProcessRole): DynamicModule {
    const queueProviders: Provider[] = config.redisUrl
      ? [
          { provide: NotificationQueue, useClass: BullmqNotificationQueue },
          ...(role === 'all' || role === 'worker' ? [NotificationWorker] : []),
        ]
      : [InProcessNotificationQueue, { provide: NotificationQueue, useExisting: InProcessNotificationQueue }];
    return {
      module: NotificationsModule,
      imports: [
        TypeOrmModule.forFeature([ExportNotification]),
        ...(config.redisUrl
          ? [
              BullModule.registerQueue({
                name: NOTIFICATION_QUEUE,
                defaultJobOptions: {
                  attempts: NOTIFICATION_ATTEMPTS,
                  backoff: { type: 'exponential', delay: config.notifyRetryBaseMs },
                  removeOnComplete: { age: 7 * 24 * 3600 },
                  removeOnFail: { age: 7 * 24 * 3600 },
                },
              }),
            ]
          : []),
      ],
      controllers: role === 'all' || role === 'api' ? [WebhookSecretController] : [],
      providers: [NotificationOutbox, NotificationDelivery, ExportNotifier, WebhookSender, EmailSender, ...queueProviders],
      exports: [ExportNotifier, NotificationDelivery, NotificationOutbox],
    };
  }
}
