import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { ExportEvents } from '../exports/ports/export-events';
import { ExportChangeFeed } from './export-change.feed';

/** Puts the engine's "export N changed" on the change feed, whichever process wrote the change. */
@Injectable()
export class ExportChangePublisher implements OnModuleInit {
  constructor(
    private readonly events: ExportEvents,
    private readonly feed: ExportChangeFeed,
  ) {}

  onModuleInit(): void {
    this.events.listen({ changed: (exportId) => this.feed.publish(exportId) });
  }
}
