import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { ExportJob, ExportNotify } from '../exports/export-job.entity';
import { ExportJobsRepository } from '../exports/export-jobs.repository';
import { ExportQueryRegistry } from '../exports/query/export-query.registry';
import { EmailSender } from './email.sender';
import type { ExportNotification, NotificationChannel } from './export-notification.entity';
import { exportEmail, exportEvent } from './notification-content';
import { PermanentDeliveryError } from './notification.errors';
import { NotificationOutbox } from './notification-outbox.repository';
import { NOTIFICATION_ATTEMPTS } from './notification-queue';
import { WebhookSender } from './webhook.sender';

const TARGET_KEYS: Record<NotificationChannel, keyof ExportNotify> = { webhook: 'webhook_url', email: 'email' };

export function notifyTarget(job: ExportJob, channel: NotificationChannel): string | undefined {
  return job.notify ? (JSON.parse(job.notify) as ExportNotify)[TARGET_KEYS[channel]] : undefined;
}

/** An aborted webhook request hides why (the timeout) in `cause`. */
function describeError(error: unknown): string {
  const cause = (error as { cause?: { message?: unknown } } | null)?.cause?.message;
  const message = error instanceof Error ? error.message : String(error);
  return typeof cause === 'string' ? `${message}: ${cause}` : message;
}

/** Makes one attempt at one outbox row. */
@Injectable()
export class NotificationDelivery {
  private readonly logger = new Logger(NotificationDelivery.name);

  constructor(
    private readonly config: AppConfig,
    private readonly outbox: NotificationOutbox,
    private readonly jobs: ExportJobsRepository,
    private readonly registry: ExportQueryRegistry,
    private readonly webhooks: WebhookSender,
    private readonly email: EmailSender,
  ) {}

  /**
   * Resolves when there is nothing more to do (delivered, or given up after the last attempt);
   * throws when the attempt failed and another one should follow.
   */
  async deliver(notificationId: number): Promise<void> {
    const notification = await this.outbox.findById(notificationId);
    if (notification?.status !== 'pending') return;
    const job = await this.jobs.findById(notification.export_id);
    const target = job ? notifyTarget(job, notification.channel) : undefined;
    if (!job || !target) {
      await this.outbox.recordFailure(notificationId, 'The export or its notification target no longer exists', true);
      return;
    }
    if (!(await this.outbox.startAttempt(notificationId))) return;
    const attempt = notification.attempts + 1;
    const context = { exportId: job.id, channel: notification.channel, outcome: notification.outcome, attempt };
    try {
      await this.send(job, notification, target);
      await this.outbox.markDelivered(notificationId);
      this.logger.log({ msg: 'notification delivered', ...context });
    } catch (error) {
      const final = attempt >= NOTIFICATION_ATTEMPTS || error instanceof PermanentDeliveryError;
      const reason = describeError(error);
      await this.outbox.recordFailure(notificationId, reason, final);
      this.logger.warn({ msg: final ? 'notification given up' : 'notification attempt failed', ...context, reason });
      if (!final) throw error;
    }
  }

  private async send(job: ExportJob, notification: ExportNotification, target: string): Promise<void> {
    switch (notification.channel) {
      case 'webhook':
        return this.webhooks.send(target, job.user_id, exportEvent(job, notification, this.config.publicUrl));
      case 'email': {
        const title = this.registry.find(job.export_type)?.title ?? job.export_type;
        return this.email.send(target, exportEmail(job, notification.outcome, title, this.config.publicUrl));
      }
    }
  }
}
