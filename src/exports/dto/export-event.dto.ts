import { ApiProperty } from '@nestjs/swagger';
import { EXPORT_EVENTS } from '../audit/export-event.entity';
import type { ExportEvent, ExportEventName } from '../audit/export-event.entity';

export class ExportEventDto {
  @ApiProperty({ enum: EXPORT_EVENTS }) event!: ExportEventName;
  @ApiProperty({ nullable: true, type: String, description: 'Acting user; null for the system' }) user_id!: string | null;
  @ApiProperty({ nullable: true, type: String }) detail!: string | null;
  @ApiProperty({ format: 'date-time' }) at!: string;

  static from(event: ExportEvent): ExportEventDto {
    return { event: event.event, user_id: event.user_id, detail: event.detail, at: new Date(event.created_at).toISOString() };
  }
}
