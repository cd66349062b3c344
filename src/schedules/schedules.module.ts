import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import type { DynamicModule, Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { forRoles } from '../app-role';
import type { AppRole } from '../app-role';
import type { AppConfig } from '../config/app-config';
import { BullmqScheduleTrigger } from './bullmq-schedule.trigger';
import { ExportSchedule } from './export-schedule.entity';
import { ExportSchedulesRepository } from './export-schedules.repository';
import { InProcessScheduleTrigger } from './in-process-schedule.trigger';
import { ScheduleRequestParser } from './schedule-request.parser';
import { ScheduleReconciler } from './schedule-reconciler.service';
import { ScheduleRunner } from './schedule-runner.service';
import { SCHEDULE_QUEUE, ScheduleTrigger } from './schedule-trigger';
import { ScheduleWorker } from './schedule.worker';
import { SchedulesController } from './schedules.controller';
import { SchedulesService } from './schedules.service';

/**
 * Scheduled exports. With Redis the API registers BullMQ job schedulers and worker processes run
 * the occurrences and reconcile the schedulers with export_schedules; without it one process fires
 * them from timers (see README.md here). It makes exports through the engine's ExportsService.
 */
@Module({})
export class SchedulesModule {
  static forRoot(config: AppConfig, role: AppRole): DynamicModule {
    const triggers: Provider[] = config.redisUrl
      ? [
          BullmqScheduleTrigger,
          { provide: ScheduleTrigger, useExisting: BullmqScheduleTrigger },
          ...forRoles(role, { worker: [ScheduleWorker, ScheduleReconciler] }),
        ]
      : [InProcessScheduleTrigger, { provide: ScheduleTrigger, useExisting: InProcessScheduleTrigger }];
    return {
      module: SchedulesModule,
      imports: [
        TypeOrmModule.forFeature([ExportSchedule]),
        ...(config.redisUrl ? [BullModule.registerQueue({ name: SCHEDULE_QUEUE })] : []),
      ],
      controllers: forRoles(role, { api: [SchedulesController] }),
      providers: [
        ExportSchedulesRepository,
        ScheduleRunner,
        ...forRoles(role, { api: [ScheduleRequestParser, SchedulesService] }),
        ...triggers,
      ],
    };
  }
}
