import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ExportNotification } from './export-notification.entity';
import type { NotificationChannel, NotificationOutcome } from './export-notification.entity';

/** All reads and writes of the outbox. Writes are conditional on the row still being pending. */
@Injectable()
export class NotificationOutbox {
  constructor(@InjectRepository(ExportNotification) private readonly repo: Repository<ExportNotification>) {}

  /** One row per channel; a row that already exists for this outcome is left as it is. */
  async record(exportId: number, outcome: NotificationOutcome, channels: NotificationChannel[]): Promise<void> {
    if (channels.length === 0) return;
    const now = new Date();
    await this.repo
      .createQueryBuilder()
      .insert()
      .into(ExportNotification)
      .values(
        channels.map((channel) => ({
          export_id: exportId,
          channel,
          outcome,
          event_id: randomUUID(),
          status: 'pending' as const,
          attempts: 0,
          created_at: now,
        })),
      )
      .orIgnore()
      .execute();
  }

  pendingFor(exportId: number, outcome: NotificationOutcome): Promise<ExportNotification[]> {
    return this.repo.find({ where: { export_id: exportId, outcome, status: 'pending' }, order: { id: 'ASC' } });
  }

  pending(limit = 500): Promise<ExportNotification[]> {
    return this.repo.find({ where: { status: 'pending' }, order: { id: 'ASC' }, take: limit });
  }

  findById(id: number): Promise<ExportNotification | null> {
    return this.repo.findOneBy({ id });
  }

  forExport(exportId: number): Promise<ExportNotification[]> {
    return this.repo.find({ where: { export_id: exportId }, order: { id: 'ASC' } });
  }

  /** Counts the attempt before it is made, so one cut short by a crash still counts. False: nothing left to send. */
  async startAttempt(id: number): Promise<boolean> {
    const result = await this.repo.update({ id, status: 'pending' }, { attempts: () => 'attempts + 1' });
    return (result.affected ?? 0) === 1;
  }

  async markDelivered(id: number): Promise<void> {
    await this.repo.update({ id, status: 'pending' }, { status: 'delivered', delivered_at: new Date(), last_error: null });
  }

  async recordFailure(id: number, error: string, final: boolean): Promise<void> {
    await this.repo.update({ id, status: 'pending' }, { last_error: error, ...(final ? { status: 'failed' as const } : {}) });
  }
}
