import { Injectable, Logger } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import type { ExportStatus } from '../exports/export-job.entity';
import { ExportJobsRepository } from '../exports/export-jobs.repository';
import { ExportEvents } from '../exports/ports/export-events';
import { NOTIFICATION_CHANNELS } from './export-notification.entity';
import type { NotificationOutcome } from './export-notification.entity';
import { notifyTarget } from './notification-delivery.service';
import { NotificationOutbox } from './notification-outbox.repository';
import { NotificationQueue } from './notification-queue';

const OUTCOMES: Partial<Record<ExportStatus, NotificationOutcome>> = { COMPLETED: 'completed', FAILED: 'failed' };

/**
 * Announces an export's final outcome to its notify targets, once per outcome however often it is
 * called; hears of outcomes and maintenance sweeps through the engine's ExportEvents.
 */
@Injectable()
export class ExportNotifier implements OnModuleInit {
  private readonly logger = new Logger(ExportNotifier.name);

  constructor(
    private readonly jobs: ExportJobsRepository,
    private readonly outbox: NotificationOutbox,
    private readonly queue: NotificationQueue,
    private readonly events: ExportEvents,
  ) {}

  onModuleInit(): void {
    this.events.listen({ finished: (exportId) => this.announce(exportId), swept: () => this.resumePending() });
  }

  /** Call once the outcome is recorded. Never throws: the export's outcome stands whatever happens here. */
  async announce(exportId: number): Promise<void> {
    try {
      const job = await this.jobs.findById(exportId);
      const outcome = job ? OUTCOMES[job.status] : undefined;
      if (!job || !outcome) return;
      const channels = NOTIFICATION_CHANNELS.filter((channel) => notifyTarget(job, channel) !== undefined);
      if (channels.length === 0) return;
      await this.outbox.record(job.id, outcome, channels);
      for (const notification of await this.outbox.pendingFor(job.id, outcome)) await this.queue.enqueue(notification.id);
    } catch (error) {
      this.logger.error({ msg: 'could not queue the notifications of an export', exportId, err: error });
    }
  }

  /** Re-queues rows a restart or a queue outage left pending; a row still queued is not added twice. */
  async resumePending(): Promise<void> {
    for (const notification of await this.outbox.pending()) await this.queue.enqueue(notification.id);
  }
}
