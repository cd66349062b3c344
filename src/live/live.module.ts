import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { forRoles } from '../app-role';
import type { ProcessRole } from '../app-role';
import { AuthModule } from '../auth/auth.module';
import type { AppConfig } from '../config/app-config';
import { EventStreamSlots } from './event-stream-slots';
import { ExportAccessSigner } from './export-access.signer';
import { ExportChangePublisher } from './export-change.publisher';
import { ExportChangeFeed, InProcessExportChangeFeed } from './export-change.feed';
import { ExportLiveController } from './export-live.controller';
import { ExportStatusHub } from './export-status.hub';
import { RedisExportChangeFeed } from './redis-export-change.feed';

/**
 * Live progress and links without a bearer header (see README.md here). Every process publishes the
 * engine's changes on the feed (workers, the CLI and API nodes all write them); the API streams them.
 */
@Module({})
export class LiveModule {
  static forRoot(config: AppConfig, role: ProcessRole): DynamicModule {
    return {
      module: LiveModule,
      imports: [AuthModule],
      controllers: forRoles(role, { api: [ExportLiveController] }),
      providers: [
        { provide: ExportChangeFeed, useClass: config.redisUrl ? RedisExportChangeFeed : InProcessExportChangeFeed },
        ExportChangePublisher,
        ...forRoles(role, { api: [ExportStatusHub, EventStreamSlots, ExportAccessSigner] }),
      ],
    };
  }
}
