import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { ExportAuditService } from '../audit/export-audit.service';
import { WorkerRegistry } from '../workers/worker-registry.service';
import { ExportMetrics } from '../../metrics/export-metrics.service';
import { csvOptionsOf } from '../csv-options';
import { ClaimLostError, ExportBusyError, PermanentExportError, userFacingError } from '../export.errors';
import type { ExportJob } from '../export-job.entity';
import { ExportJobsRepository } from '../export-jobs.repository';
import { ExportEvents } from '../ports/export-events';
import { exportFileName } from '../export-naming';
import { formatCount } from '../format-count';
import { resolveColumns } from '../query/export-filters';
import type { NormalizedFilters } from '../query/export-filters';
import { ExportQueryPlanner } from '../query/export-query.planner';
import { ExportQueryRegistry } from '../query/export-query.registry';
import { annotateActiveSpan, exportAttributes, inSpan, SpanPhases } from '../../tracing/spans';
import { ReadThrottleFactory } from '../rows/read-throttle';
import { RowSourceFactory } from '../rows/row-source';
import type { RowSource } from '../rows/row-source';
import { ExportStorage } from '../storage/export-storage';
import type { PendingFile } from '../storage/export-storage';
import { compressedExtension, compressedOutput } from '../writers/compression';
import { ExportFormats } from '../writers/export-formats';
import type { ExportWriter } from '../writers/export-writer';
import { AttemptHeartbeat } from './attempt-heartbeat';

export interface RunOptions {
  /** No retry follows this attempt: a failure marks the job FAILED. */
  isLastAttempt: boolean;
}

export type RunOutcome = 'completed' | 'skipped' | 'lost';

/** Produces one export file: claim, snapshot read, stream through the writer, commit, record. */
@Injectable()
export class ExportRunner {
  private readonly logger = new Logger(ExportRunner.name);
  readonly workerId = `${hostname()}:${process.pid}`;

  constructor(
    private readonly config: AppConfig,
    private readonly jobs: ExportJobsRepository,
    private readonly registry: ExportQueryRegistry,
    private readonly planner: ExportQueryPlanner,
    private readonly rowSources: RowSourceFactory,
    private readonly throttles: ReadThrottleFactory,
    private readonly formats: ExportFormats,
    private readonly storage: ExportStorage,
    private readonly audit: ExportAuditService,
    private readonly workers: WorkerRegistry,
    private readonly metrics: ExportMetrics,
    private readonly events: ExportEvents,
  ) {}

  /** One attempt, traced as `export.attempt` with its phases (snapshot, write, commit) as child spans. */
  run(exportId: number, options: RunOptions): Promise<RunOutcome> {
    return inSpan('export.attempt', { 'export.id': exportId, 'export.worker': this.workerId }, async (span) => {
      const outcome = await this.attempt(exportId, options);
      span.setAttribute('export.outcome', outcome);
      return outcome;
    });
  }

  private async attempt(exportId: number, options: RunOptions): Promise<RunOutcome> {
    const token = randomUUID();
    const staleBefore = new Date(Date.now() - this.config.exportLockMs);
    const claimed = await this.jobs.claim(exportId, token, this.workerId, staleBefore);
    const job = await this.jobs.findById(exportId);
    if (!job) return 'skipped';
    annotateActiveSpan({ ...exportAttributes(job), 'export.attempt': job.attempts });
    if (!claimed) {
      // Owned by a worker that may have just died: retry once its heartbeat is stale. Finished: nothing to do.
      if (job.status === 'PROCESSING' || job.status === 'PENDING') throw new ExportBusyError(exportId);
      this.logger.log(`Export ${exportId} is already ${job.status}; skipped`);
      return 'skipped';
    }

    const started = Date.now();
    await this.audit.record(exportId, 'started', null, `attempt ${job.attempts} on ${this.workerId}`);
    this.logger.log({
      msg: 'export started',
      exportId,
      userId: job.user_id,
      type: job.export_type,
      format: job.format,
      attempt: job.attempts,
    });
    this.workers.jobStarted();
    try {
      const { records, bytes } = await this.produce(job, token);
      await this.audit.record(exportId, 'completed', null, `${records} records, ${bytes} bytes`);
      await this.events.finished(exportId);
      this.metrics.observe(job.export_type, job.format, 'completed', (Date.now() - started) / 1000, records);
      this.logger.log({
        msg: 'export completed',
        exportId,
        userId: job.user_id,
        type: job.export_type,
        format: job.format,
        records,
        bytes,
        ms: Date.now() - started,
        outcome: 'COMPLETED',
      });
      return 'completed';
    } catch (error) {
      if (error instanceof ClaimLostError) {
        this.logger.warn({ msg: 'export attempt lost its claim', exportId, ms: Date.now() - started, outcome: 'LOST' });
        return 'lost';
      }
      const final = options.isLastAttempt || error instanceof PermanentExportError;
      const message = userFacingError(error);
      this.logger.error({
        msg: 'export attempt failed',
        exportId,
        userId: job.user_id,
        type: job.export_type,
        format: job.format,
        attempt: job.attempts,
        final,
        ms: Date.now() - started,
        outcome: final ? 'FAILED' : 'RETRY',
        err: error,
      });
      await this.jobs.release(exportId, token, {
        final,
        error: final ? message : `Attempt ${job.attempts} failed (${message}); retrying.`,
      });
      await this.audit.record(exportId, final ? 'failed' : 'retrying', null, message);
      if (final) await this.events.finished(exportId);
      this.metrics.observe(job.export_type, job.format, final ? 'failed' : 'retrying', (Date.now() - started) / 1000);
      throw error;
    } finally {
      this.workers.jobEnded();
    }
  }

  private async produce(job: ExportJob, token: string): Promise<{ records: number; bytes: number }> {
    const provider = this.registry.get(job.export_type);
    const filters = JSON.parse(job.filters) as NormalizedFilters;
    const { columns } = resolveColumns(provider, job.columns ? (JSON.parse(job.columns) as string[]) : undefined);
    const format = this.formats.get(job.format);
    const plan = this.planner.plan(provider, filters, columns);

    const heartbeat = new AttemptHeartbeat(this.jobs, job.id, token, this.config.exportProgressMs);
    heartbeat.start();
    let source: RowSource | undefined;
    let file: PendingFile | undefined;
    let writer: ExportWriter | undefined;
    const phases = new SpanPhases();
    try {
      phases.begin('export.snapshot');
      source = await this.rowSources.open(plan);
      await this.jobs.recordSnapshot(job.id, token, source.snapshotAt);
      const total = await source.count();
      phases.annotate({ 'export.total_records': total });
      if (format.maxRecords !== undefined && total > format.maxRecords) {
        throw new PermanentExportError(
          `${formatCount(total)} records match; ${job.format} exports are limited to ${formatCount(format.maxRecords)}. Narrow the filters or choose csv, json or excel.`,
        );
      }
      heartbeat.setTotal(total);

      phases.begin('export.write');
      const extension = compressedExtension(format.extension, job.compression);
      const storageKey = `${job.id}-${randomUUID()}.${extension}`;
      file = await this.storage.create(storageKey);
      const entryName = exportFileName(provider, filters, job.id, format.extension);
      const output = compressedOutput(file.stream, job.compression, entryName, this.config.exportCompressionLevel);
      writer = format.open(output.stream, {
        exportId: job.id,
        exportType: provider.exportType,
        title: provider.title,
        columns,
        filters,
        totalRecords: total,
        generatedAt: new Date(),
        csv: csvOptionsOf(job.csv_options),
      });
      const throttle = this.throttles.create({
        onChange: (reason) =>
          // A missed status write only leaves the status behind; the read goes on (or waits) regardless.
          this.jobs.recordThrottle(job.id, token, reason).catch((error: Error) => {
            this.logger.warn(`Throttle state of export ${job.id} not recorded: ${error.message}`);
          }),
        stopped: () => heartbeat.isLost,
      });
      for await (const batch of throttle.paced(phases.timed(source.batches(), 'export.read_ms'))) {
        await writer.write(batch);
        heartbeat.add(batch.length);
        if (heartbeat.isLost) throw new ClaimLostError(job.id);
      }
      await writer.finish();
      await output.done;
      phases.annotate({ 'export.records': heartbeat.processedRecords });
      phases.begin('export.commit');
      const bytes = await file.commit();
      const records = heartbeat.processedRecords;
      await heartbeat.stop();
      const fileName = exportFileName(provider, filters, job.id, extension);
      const expiresAt = new Date(Date.now() + this.config.exportRetentionMs);
      if (!(await this.jobs.complete(job.id, token, { fileName, fileSize: bytes, storageKey, records }, expiresAt))) {
        await this.storage.remove(storageKey);
        throw new ClaimLostError(job.id);
      }
      phases.end({ 'export.bytes': bytes });
      return { records, bytes };
    } catch (error) {
      phases.fail(error);
      writer?.abort();
      await file?.discard();
      throw error;
    } finally {
      await heartbeat.stop();
      await source?.close();
    }
  }
}
