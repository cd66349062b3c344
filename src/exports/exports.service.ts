import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user';
import { AppConfig } from '../config/app-config';
import { selectRange, startsAtFirstByte, storedFileEtag } from './byte-range';
import type { ByteRange, RangeHeaders, RangeSelection } from './byte-range';
import { ExportAuditService } from './audit/export-audit.service';
import type { ExportEvent } from './audit/export-event.entity';
import { ExportPageDto, ExportStatusDto } from './dto/export-status.dto';
import { MAX_PER_PAGE } from './dto/page-query.dto';
import type { ExportJob } from './export-job.entity';
import { ExportsException, ExportsExceptionCode, TooManyActiveExportsException } from './exports.exception';
import { ExportJobsRepository } from './export-jobs.repository';
import type { JobPageFilter } from './export-jobs.repository';
import { ExportRequestParser } from './export-request.parser';
import { formatCount } from './format-count';
import type { ParsedExportRequest } from './export-request.parser';
import { ExportQueue } from './jobs/export-queue';
import { ExportOpsService } from './jobs/export-ops.service';
import { OpsError } from './jobs/ops.error';
import { ExportQueryPlanner } from './query/export-query.planner';
import { ExportStorage } from './storage/export-storage';
import type { StoredFile } from './storage/export-storage';
import { compressedContentType } from './writers/compression';
import { ExportFormats } from './writers/export-formats';

/** What identifies a stored file's bytes to HTTP caches and resuming clients. */
export interface FileValidators {
  /** Strong: a retried export's new file under the same id has another. */
  etag: string;
  lastModified: Date;
}

/**
 * A finished export's file: streamed by the API (whole, or the part a Range asked for), a Range it
 * cannot satisfy, or fetched by the client from the storage's own URL (which honours Range itself).
 */
export type ExportDownload = { fileName: string; contentType: string } & (
  | { kind: 'stream'; file: StoredFile; validators: FileValidators; part?: ByteRange }
  | { kind: 'unsatisfiable'; size: number }
  | { kind: 'redirect'; url: string }
);

/** A COMPLETED export: its file is stored under its key. */
type DownloadableJob = ExportJob & { storage_key: string; file_name: string; file_size: string; completed_at: Date };

export interface RequestOutcome {
  job: ExportJob;
  /** False when an Idempotency-Key replay returned an export made earlier. */
  created: boolean;
}

/** Set when an export is made by a schedule's occurrence rather than by a user's request. */
export interface RequestOrigin {
  scheduleId: string;
}

const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;
/** The client follows the redirect at once; the URL only has to be valid when the download starts. */
const PRESIGNED_URL_TTL_S = 300;

function requestHash(request: ParsedExportRequest): string {
  const canonical = JSON.stringify([
    request.provider.exportType,
    request.format,
    request.filters,
    request.columnKeys,
    request.compression,
    request.notify,
    // Only when set: requests without csv options hash as they did before the options existed.
    ...(request.csv ? [request.csv] : []),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

@Injectable()
export class ExportsService {
  private readonly logger = new Logger(ExportsService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly parser: ExportRequestParser,
    private readonly planner: ExportQueryPlanner,
    private readonly formats: ExportFormats,
    private readonly jobs: ExportJobsRepository,
    private readonly queue: ExportQueue,
    private readonly storage: ExportStorage,
    private readonly audit: ExportAuditService,
    private readonly ops: ExportOpsService,
  ) {}

  async request(user: AuthUser, body: unknown, idempotencyKey?: string, origin?: RequestOrigin): Promise<RequestOutcome> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new ExportsException(ExportsExceptionCode.VALIDATION_FAILED, ['Idempotency-Key must be 1-128 visible ASCII characters']);
    }
    const request = this.parser.parse(body, user);
    const hash = requestHash(request);
    if (idempotencyKey) {
      const replay = await this.replay(user, idempotencyKey, hash);
      if (replay) return { job: replay, created: false };
    }

    await this.assertWithinFormatLimit(request);

    let job: ExportJob;
    try {
      // Scheduled occurrences too: the schedule records a refused one as skipped.
      const created = await this.jobs.createWithinActiveCap(this.config.maxActiveExports, {
        userId: user.id,
        exportType: request.provider.exportType,
        format: request.format,
        filters: request.filters,
        columns: request.columnKeys,
        compression: request.compression,
        csvOptions: request.csv,
        notify: request.notify,
        idempotencyKey,
        requestHash: idempotencyKey ? hash : undefined,
        scheduleId: origin?.scheduleId,
      });
      if ('active' in created) throw new TooManyActiveExportsException(created.active);
      job = created.job;
    } catch (error) {
      // Two requests racing with one key: the loser answers with the winner's export (even when the cap refused it).
      const replay = idempotencyKey ? await this.replay(user, idempotencyKey, hash) : null;
      if (replay) return { job: replay, created: false };
      throw error;
    }
    try {
      await this.queue.enqueue(job.id);
    } catch (error) {
      await this.jobs.delete(job.id);
      this.logger.error(`Could not queue export ${job.id}: ${(error as Error).message}`);
      throw new ExportsException(
        ExportsExceptionCode.QUEUE_UNAVAILABLE,
        'The export queue is unavailable right now, so no export was created. Try again in a minute.',
      );
    }
    await this.audit.record(job.id, 'created', user.id, `${job.export_type} ${job.format}`);
    return { job, created: true };
  }

  /** The export an earlier request with this key made, if the window is open and the body matches. */
  private async replay(user: AuthUser, key: string, hash: string): Promise<ExportJob | null> {
    await this.jobs.forgetIdempotencyKey(user.id, key, new Date(Date.now() - IDEMPOTENCY_WINDOW_MS));
    const earlier = await this.jobs.findByIdempotencyKey(user.id, key);
    if (!earlier) return null;
    if (earlier.request_hash !== hash) {
      throw new ExportsException(
        ExportsExceptionCode.IDEMPOTENCY_KEY_REUSED,
        'This Idempotency-Key was already used with a different request body; use a new key for a new request.',
      );
    }
    return earlier;
  }

  private async assertWithinFormatLimit(request: ParsedExportRequest): Promise<void> {
    const { maxRecords } = this.formats.get(request.format);
    if (maxRecords === undefined) return;
    const total = await this.planner.count(this.planner.plan(request.provider, request.filters, request.columns));
    if (total > maxRecords) {
      throw new ExportsException(
        ExportsExceptionCode.FORMAT_LIMIT_EXCEEDED,
        `${formatCount(total)} records match these filters; ${request.format} exports are limited to ${formatCount(maxRecords)}. Narrow the filters or choose csv, json or excel.`,
      );
    }
  }

  /** The job if the caller may see it; otherwise 404 whether or not it exists. */
  async findVisible(user: AuthUser, id: number): Promise<ExportJob> {
    const job = await this.jobs.findById(id);
    if (!job || (job.user_id !== user.id && !user.isAdmin))
      throw new ExportsException(ExportsExceptionCode.EXPORT_NOT_FOUND, `Export ${id} not found`);
    return job;
  }

  async status(user: AuthUser, id: number): Promise<ExportStatusDto> {
    return ExportStatusDto.from(await this.findVisible(user, id));
  }

  async list(user: AuthUser, page = 1, perPage = 10): Promise<ExportPageDto> {
    const size = Math.min(perPage, MAX_PER_PAGE);
    const [jobs, total] = await this.jobs.pageForUser(user.id, page, size);
    return ExportPageDto.of(jobs, total, page, size);
  }

  /** Everyone's exports, for admins: 403 for anyone else, whose own list is my-exports. */
  async listAll(user: AuthUser, filter: JobPageFilter, page = 1, perPage = 10): Promise<ExportPageDto> {
    if (!user.isAdmin) {
      throw new ExportsException(
        ExportsExceptionCode.ADMINS_ONLY,
        "Only admins can list everyone's exports; your own are at GET /api/exports/my-exports.",
      );
    }
    const size = Math.min(perPage, MAX_PER_PAGE);
    const [jobs, total] = await this.jobs.page(filter, page, size);
    return ExportPageDto.of(jobs, total, page, size);
  }

  /**
   * Owner or admin: a FAILED or CANCELLED export runs again under its own id (the operators' retry).
   * An owner's retry counts against their active-exports limit like a new request; an admin's does not.
   */
  async retry(user: AuthUser, id: number): Promise<ExportStatusDto> {
    const job = await this.findVisible(user, id);
    if (job.status !== 'FAILED' && job.status !== 'CANCELLED') {
      throw new ExportsException(
        ExportsExceptionCode.EXPORT_NOT_RETRYABLE,
        `Export ${id} is ${job.status}; only FAILED or CANCELLED exports can be retried`,
      );
    }
    const byOwner = job.user_id === user.id;
    if (byOwner) await this.resetWithinActiveLimit(job);
    try {
      return ExportStatusDto.from(await this.ops.retry(id, user.id, byOwner ? 'retried by its owner' : 'retried by an admin'));
    } catch (error) {
      // Another call changed it since it was read (retried or deleted it first).
      if (error instanceof OpsError) throw new ExportsException(ExportsExceptionCode.EXPORT_NOT_RETRYABLE, error.message);
      throw error;
    }
  }

  /**
   * The file, or the part of it `ranges` asks for. 'downloaded' is recorded for answers that begin
   * at the first byte; a resume (a range starting later) or a 416 is not recorded again.
   */
  async download(user: AuthUser, id: number, ranges: RangeHeaders = {}): Promise<ExportDownload> {
    const job = await this.findVisible(user, id);
    this.assertDownloadable(job);
    const size = Number(job.file_size);
    const etag = storedFileEtag(job.storage_key, size);
    // Behind a redirect the storage answers Range and If-Range itself: the API reads Range only for the audit.
    const selection = selectRange(size, etag, this.storage.downloadUrl ? { range: ranges.range } : ranges);
    const download = await this.fileOf(job, { etag, lastModified: job.completed_at }, selection);
    if (!download) {
      throw new ExportsException(
        ExportsExceptionCode.EXPORT_FILE_GONE,
        `The file of export ${id} is no longer available; request the export again`,
      );
    }
    if (startsAtFirstByte(selection)) await this.audit.record(job.id, 'downloaded', user.id);
    return download;
  }

  /** A URL of the storage's own when it offers one, the file's bytes otherwise; undefined once the file is gone. */
  private async fileOf(job: DownloadableJob, validators: FileValidators, selection: RangeSelection): Promise<ExportDownload | undefined> {
    const fileName = job.file_name;
    const contentType = compressedContentType(this.formats.get(job.format).contentType, job.compression);
    if (this.storage.downloadUrl) {
      const url = await this.storage.downloadUrl(job.storage_key, { fileName, contentType, expiresInSeconds: PRESIGNED_URL_TTL_S });
      return url === undefined ? undefined : { kind: 'redirect', url, fileName, contentType };
    }
    if (selection.kind === 'unsatisfiable') return { kind: 'unsatisfiable', size: Number(job.file_size), fileName, contentType };
    const part = selection.kind === 'part' ? selection.range : undefined;
    const file = await this.storage.open(job.storage_key, part);
    return file && { kind: 'stream', file, validators, part, fileName, contentType };
  }

  /** Owner or admin: a PENDING job never runs; a PROCESSING one stops at its next progress beat. */
  async cancel(user: AuthUser, id: number): Promise<ExportStatusDto> {
    const job = await this.findVisible(user, id);
    if (!(await this.jobs.cancel(job.id))) {
      throw new ExportsException(
        ExportsExceptionCode.EXPORT_NOT_CANCELLABLE,
        `Export ${id} is already ${(await this.jobs.findById(id))?.status ?? job.status}; only PENDING or PROCESSING exports can be cancelled`,
      );
    }
    await this.audit.record(job.id, 'cancelled', user.id);
    return ExportStatusDto.from((await this.jobs.findById(id)) as ExportJob);
  }

  /**
   * 429 once the owner has as many exports pending or running as allowed; otherwise the job is PENDING
   * again, atomically with that count, and `ops.retry` finds it so and queues it.
   */
  private async resetWithinActiveLimit(job: ExportJob): Promise<void> {
    const reset = await this.jobs.resetWithinActiveCap(this.config.maxActiveExports, job.id, job.user_id);
    if ('active' in reset) throw new TooManyActiveExportsException(reset.active);
  }

  async events(user: AuthUser, id: number): Promise<ExportEvent[]> {
    const job = await this.findVisible(user, id);
    return this.audit.forExport(job.id);
  }

  /** 409 until the export is COMPLETED, 410 once retention deleted its file. */
  assertDownloadable(job: ExportJob): asserts job is DownloadableJob {
    if (job.status === 'EXPIRED')
      throw new ExportsException(
        ExportsExceptionCode.EXPORT_EXPIRED,
        `Export ${job.id} has expired and its file was deleted; request it again`,
      );
    if (job.status !== 'COMPLETED' || !job.storage_key || !job.file_name || job.file_size === null || !job.completed_at) {
      throw new ExportsException(
        ExportsExceptionCode.EXPORT_NOT_READY,
        `Export ${job.id} is ${job.status}; the file can be downloaded once it is COMPLETED`,
      );
    }
  }
}
