import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import type { DynamicModule, Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { forRoles } from '../app-role';
import type { AppRole } from '../app-role';
import type { AppConfig } from '../config/app-config';
import { BullmqNotificationQueue } from './bullmq-notification.queue';
import { EmailSender } from './email.sender';
import { ExportNotification } from './export-notification.entity';
import { ExportNotifier } from './export-notifier.service';
import { NotificationDelivery } from './notification-delivery.service';
import { NotificationOutbox } from './notification-outbox.repository';
import { NOTIFICATION_ATTEMPTS, NOTIFICATION_QUEUE, NotificationQueue } from './notification-queue';
import { NotificationWorker } from './notification.worker';
import { NotifyTargetPolicy } from './notify-target.policy';
import { InProcessNotificationQueue } from './in-process-notification.queue';
import { WebhookSecretController } from './webhook-secret.controller';
import { WebhookSender } from './webhook.sender';

/**
 * Webhook and email notifications of export outcomes, through an outbox table (see README.md here).
 * It hears outcomes through the engine's ExportEvents and vets notify targets for its request parser.
 */
@Module({})
export class NotificationsModule {
  static forRoot(config: AppConfig, role: AppRole): DynamicModule {
    const queueProviders: Provider[] = config.redisUrl
      ? [{ provide: NotificationQueue, useClass: BullmqNotificationQueue }, ...forRoles(role, { worker: [NotificationWorker] })]
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
      controllers: forRoles(role, { api: [WebhookSecretController] }),
      providers: [
        NotificationOutbox,
        NotificationDelivery,
        ExportNotifier,
        NotifyTargetPolicy,
        WebhookSender,
        EmailSender,
        ...queueProviders,
      ],
    };
  }
}
