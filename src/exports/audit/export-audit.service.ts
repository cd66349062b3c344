import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ExportEvent } from './export-event.entity';
import type { ExportEventName } from './export-event.entity';

@Injectable()
export class ExportAuditService {
  private readonly logger = new Logger(ExportAuditService.name);

  constructor(@InjectRepository(ExportEvent) private readonly events: Repository<ExportEvent>) {}

  /** Records an event; an audit write never fails the action it describes (it is logged instead). */
  async record(exportId: number, event: ExportEventName, userId: string | null, detail?: string): Promise<void> {
    try {
      await this.events.insert({ export_id: exportId, event, user_id: userId, detail: detail ?? null, created_at: new Date() });
    } catch (error) {
      this.logger.error(`Could not record ${event} for export ${exportId}: ${(error as Error).message}`);
    }
  }

  forExport(exportId: number): Promise<ExportEvent[]> {
    return this.events.find({ where: { export_id: exportId }, order: { id: 'ASC' } });
  }
}
