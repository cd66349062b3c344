import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import type { DynamicModule, Provider, Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { forRoles } from '../app-role';
import type { ProcessRole } from '../app-role';
import { AuthModule } from '../auth/auth.module';
import type { AppConfig } from '../config/app-config';
import { redisOptions } from '../redis/redis-options';
import { queueTelemetry } from '../tracing/tracing';
import { DeferredExportQueue } from './jobs/deferred-export.queue';
import { ExportGauges, ExportMetrics } from '../metrics/export-metrics.service';
import { MetricsController } from '../metrics/metrics.controller';
import { ExportAuditService } from './audit/export-audit.service';
import { ExportEvent } from './audit/export-event.entity';
import { ExportJob } from './export-job.entity';
import { ExportMaintenance } from './jobs/export-maintenance.service';
import { ExportOpsService } from './jobs/export-ops.service';
import { RetentionService } from './retention/retention.service';
import { ExportWorkerRecord } from './workers/export-worker.entity';
import { WorkerRegistry } from './workers/worker-registry.service';
import { ExportJobsRepository } from './export-jobs.repository';
import { ExportRequestParser } from './export-request.parser';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';
import { OwnerQuota } from './owner-quota';
import { ExportEvents } from './ports/export-events';
import { NotifyTargetChecks } from './ports/notify-target-checks';
import { BullmqExportQueue } from './jobs/bullmq-export.queue';
import { EXPORT_QUEUE, ExportQueue, RETRY_BASE_DELAY_MS } from './jobs/export-queue';
import { ExportRunner } from './jobs/export-runner.service';
import { ExportWorker } from './jobs/export.worker';
import { InProcessExportQueue } from './jobs/in-process-export.queue';
import { ExportQueryPlanner } from './query/export-query.planner';
import { ExportQueryRegistry } from './query/export-query.registry';
import { MysqlRowSourceFactory } from './rows/mysql-row.source';
import { ReadServer } from './rows/read-server';
import { ReadThrottleFactory } from './rows/read-throttle';
import { ServerLoadProbe } from './rows/server-load.probe';
import { RowSourceFactory } from './rows/row-source';
import { SqliteRowSourceFactory } from './rows/sqlite-row.source';
import { ExportStorage } from './storage/export-storage';
import { LocalExportStorage } from './storage/local-export.storage';
import { PartialFileSweeper } from './storage/partial-file.sweeper';
import { CsvWriter } from './writers/csv.writer';
import { ExportFormats, FORMAT_WRITERS } from './writers/export-formats';
import type { ExportFormatWriter } from './writers/export-writer';
import { JsonWriter } from './writers/json.writer';
import { NdjsonWriter } from './writers/ndjson.writer';
import { PdfWriter } from './writers/pdf.writer';
import { XlsxWriter } from './writers/xlsx.writer';

const WRITERS: Type<ExportFormatWriter>[] = [CsvWriter, JsonWriter, NdjsonWriter, XlsxWriter, PdfWriter];

/**
 * The S3-compatible bucket when S3_BUCKET is set, EXPORT_DIR otherwise. The AWS SDK is loaded only
 * when used: it would add ~20 MB to every process.
 */
function storageProvider({ s3 }: AppConfig): Provider {
  return s3
    ? { provide: ExportStorage, useFactory: async () => new (await import('./storage/s3-export.storage')).S3ExportStorage(s3) }
    : { provide: ExportStorage, useClass: LocalExportStorage };
}

/**
 * The export engine (see README.md here). The queue is BullMQ when REDIS_URL is set, in-process
 * otherwise. Global: the modules beside it (live, schedules, notifications), health, metrics and the
 * CLI use its exported services and ports without re-importing it.
 */
@Module({})
export class ExportsModule {
  static forRoot(config: AppConfig, role: ProcessRole): DynamicModule {
    const queueProviders: Provider[] = config.redisUrl
      ? [{ provide: ExportQueue, useClass: BullmqExportQueue }, ...forRoles(role, { worker: [ExportWorker] })]
      : role === 'cli'
        ? [{ provide: ExportQueue, useClass: DeferredExportQueue }]
        : [InProcessExportQueue, { provide: ExportQueue, useExisting: InProcessExportQueue }];

    return {
      module: ExportsModule,
      global: true,
      imports: [
        DiscoveryModule,
        AuthModule,
        TypeOrmModule.forFeature([ExportJob, ExportEvent, ExportWorkerRecord]),
        ...(config.redisUrl
          ? [
              BullModule.forRoot({
                connection: redisOptions(config.redisUrl),
                prefix: config.queuePrefix,
                // Shared by every queue of the app (exports here, notifications and schedules beside).
                ...queueTelemetry(),
              }),
              BullModule.registerQueue({
                name: EXPORT_QUEUE,
                defaultJobOptions: {
                  attempts: config.exportAttempts,
                  backoff: { type: 'exponential', delay: RETRY_BASE_DELAY_MS },
                  removeOnComplete: { age: 24 * 3600, count: 10_000 },
                  removeOnFail: { age: 7 * 24 * 3600 },
                },
              }),
            ]
          : []),
      ],
      controllers: forRoles(role, { api: [ExportsController, MetricsController] }),
      providers: [
        ExportQueryRegistry,
        ExportQueryPlanner,
        ReadServer,
        ServerLoadProbe,
        ReadThrottleFactory,
        ExportRequestParser,
        OwnerQuota,
        ExportJobsRepository,
        ExportsService,
        ExportOpsService,
        ExportRunner,
        ExportAuditService,
        ExportMetrics,
        ...forRoles<Provider>(role, { api: [ExportGauges], worker: [ExportMaintenance, PartialFileSweeper] }),
        RetentionService,
        WorkerRegistry,
        ExportEvents,
        NotifyTargetChecks,
        ...WRITERS,
        { provide: FORMAT_WRITERS, useFactory: (...writers: ExportFormatWriter[]) => writers, inject: WRITERS },
        ExportFormats,
        storageProvider(config),
        { provide: RowSourceFactory, useClass: config.database.kind === 'mysql' ? MysqlRowSourceFactory : SqliteRowSourceFactory },
        ...queueProviders,
      ],
      exports: [
        ExportMetrics,
        ExportsService,
        ExportOpsService,
        ExportRequestParser,
        ExportJobsRepository,
        OwnerQuota,
        ExportQueryRegistry,
        ExportQueue,
        RetentionService,
        WorkerRegistry,
        ExportAuditService,
        ExportEvents,
        NotifyTargetChecks,
      ],
    };
  }
}
