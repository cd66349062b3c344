import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThan, Repository } from 'typeorm';
import type { EntityManager, SelectQueryBuilder, UpdateResult } from 'typeorm';
import type { CsvOptions } from './csv-options';
import { ACTIVE_STATUSES, ExportJob } from './export-job.entity';
import type { ExportCompression, ExportFormat, ExportNotify, ExportStatus } from './export-job.entity';
import { OwnerQuota } from './owner-quota';
import { ExportEvents } from './ports/export-events';

export interface NewExportJob {
  userId: string;
  exportType: string;
  format: ExportFormat;
  filters: object;
  columns: string[] | null;
  idempotencyKey?: string;
  requestHash?: string;
  compression?: ExportCompression | null;
  csvOptions?: CsvOptions | null;
  notify?: ExportNotify | null;
  scheduleId?: string | null;
}

export interface JobListFilter {
  status?: ExportStatus;
  userId?: string;
  exportType?: string;
  limit?: number;
}

/** Which jobs a page holds: every filter set narrows it (exact matches). */
export type JobPageFilter = Omit<JobListFilter, 'limit'>;

export interface CompletedFile {
  fileName: string;
  fileSize: number;
  storageKey: string;
  records: number;
}

const RETRYABLE_STATUSES: readonly ExportStatus[] = ['FAILED', 'CANCELLED'];
/** A retried job starts over. */
const RESET = {
  status: 'PENDING',
  error: null,
  progress: 0,
  processed_records: 0,
  attempts: 0,
  completed_at: null,
  claim_token: null,
  snapshot_at: null,
  throttle_reason: null,
} as const;

/** A user's PENDING and PROCESSING jobs: what MAX_ACTIVE_EXPORTS counts. */
const activeJobsOf = (manager: EntityManager, userId: string): SelectQueryBuilder<ExportJob> =>
  manager
    .createQueryBuilder(ExportJob, 'job')
    .where('job.user_id = :userId', { userId })
    .andWhere('job.status IN (:...active)', { active: [...ACTIVE_STATUSES] });

/** A datetime both MySQL and SQLite compare correctly as a bound parameter (UTC, as stored). */
export function sqlTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * All writes to export_jobs. Every write an attempt makes is conditional on its claim token, so a
 * worker that lost its claim (stalled, superseded, or the job was cancelled) cannot change the job.
 */
@Injectable()
export class ExportJobsRepository {
  constructor(
    @InjectRepository(ExportJob) private readonly repo: Repository<ExportJob>,
    private readonly events: ExportEvents,
    private readonly quota: OwnerQuota,
  ) {}

  /** True when the conditional update hit the row; live event streams hear about it. */
  private announce(id: number, result: UpdateResult): boolean {
    const hit = (result.affected ?? 0) === 1;
    if (hit) this.events.changed(id);
    return hit;
  }

  /**
   * Inserts the job unless its owner already has `maxActive` PENDING or PROCESSING exports, counting
   * and inserting atomically (OwnerQuota): parallel requests cannot all slip under the cap.
   */
  async createWithinActiveCap(maxActive: number, job: NewExportJob): Promise<{ job: ExportJob } | { active: number }> {
    const outcome = await this.quota.writeWithinCap({
      ownerId: job.userId,
      cap: maxActive,
      held: (manager) => activeJobsOf(manager, job.userId),
      write: (manager) =>
        manager
          .createQueryBuilder()
          .insert()
          .into(ExportJob)
          .values({
            user_id: job.userId,
            export_type: job.exportType,
            format: job.format,
            filters: JSON.stringify(job.filters),
            columns: job.columns ? JSON.stringify(job.columns) : null,
            status: 'PENDING',
            progress: 0,
            processed_records: 0,
            attempts: 0,
            created_at: new Date(),
            idempotency_key: job.idempotencyKey ?? null,
            request_hash: job.requestHash ?? null,
            compression: job.compression ?? null,
            csv_options: job.csvOptions ? JSON.stringify(job.csvOptions) : null,
            notify: job.notify ? JSON.stringify(job.notify) : null,
            schedule_id: job.scheduleId ?? null,
          }),
    });
    if (!outcome.written) return { active: outcome.held };
    return { job: (await this.findById(outcome.insertId)) as ExportJob };
  }

  /**
   * Puts a FAILED or CANCELLED job of `userId` back in line unless that user already has `maxActive`
   * exports pending or running: the owner's retry takes a slot the way a request does. `reset` is
   * false when the job was not (any more) FAILED or CANCELLED.
   */
  async resetWithinActiveCap(maxActive: number, id: number, userId: string): Promise<{ reset: boolean } | { active: number }> {
    const outcome = await this.quota.writeWithinCap({
      ownerId: userId,
      cap: maxActive,
      held: (manager) => activeJobsOf(manager, userId),
      write: (manager) =>
        manager
          .createQueryBuilder()
          .update(ExportJob)
          .set(RESET)
          .where({ id, user_id: userId, status: In([...RETRYABLE_STATUSES]) }),
    });
    if (!outcome.written) return { active: outcome.held };
    if (outcome.affected === 1) this.events.changed(id);
    return { reset: outcome.affected === 1 };
  }

  findByIdempotencyKey(userId: string, key: string): Promise<ExportJob | null> {
    return this.repo.findOneBy({ user_id: userId, idempotency_key: key });
  }

  /** Frees a key whose 24-hour window has passed, so it can name a new request. */
  async forgetIdempotencyKey(userId: string, key: string, createdBefore: Date): Promise<void> {
    await this.repo.update({ user_id: userId, idempotency_key: key, created_at: LessThan(createdBefore) }, { idempotency_key: null });
  }

  list(filter: JobListFilter): Promise<ExportJob[]> {
    return this.repo.find({
      where: { status: filter.status, user_id: filter.userId, export_type: filter.exportType },
      order: { id: 'DESC' },
      take: filter.limit ?? 50,
    });
  }

  async countByStatus(): Promise<Partial<Record<ExportStatus, number>>> {
    const rows: { status: ExportStatus; n: number | string }[] = await this.repo
      .createQueryBuilder('job')
      .select('job.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .groupBy('job.status')
      .getRawMany();
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
  }

  async countByTypeFormatStatus(): Promise<{ type: string; format: string; status: string; count: number }[]> {
    const rows: { type: string; format: string; status: string; n: number | string }[] = await this.repo
      .createQueryBuilder('job')
      .select('job.export_type', 'type')
      .addSelect('job.format', 'format')
      .addSelect('job.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .groupBy('job.export_type')
      .addGroupBy('job.format')
      .addGroupBy('job.status')
      .getRawMany();
    return rows.map((row) => ({ type: row.type, format: row.format, status: row.status, count: Number(row.n) }));
  }

  /** Stops a job that has not finished. False when it already had. */
  async cancel(id: number): Promise<boolean> {
    const result = await this.repo.update(
      { id, status: In([...ACTIVE_STATUSES]) },
      { status: 'CANCELLED', completed_at: new Date(), claim_token: null, error: 'Cancelled on request' },
    );
    return this.announce(id, result);
  }

  /** Puts a FAILED or CANCELLED job back in line (operators' retry). */
  async reset(id: number): Promise<boolean> {
    return this.announce(id, await this.repo.update({ id, status: In([...RETRYABLE_STATUSES]) }, RESET));
  }

  /** PROCESSING jobs whose attempt has been silent since `before`. */
  async findSilent(before: Date): Promise<ExportJob[]> {
    return this.repo.find({ where: { status: 'PROCESSING', heartbeat_at: LessThan(before) } });
  }

  async findPendingSince(before: Date): Promise<ExportJob[]> {
    return this.repo.find({ where: { status: 'PENDING', created_at: LessThan(before) } });
  }

  /** Fails a job unless something touched it after `before` (a late heartbeat wins). */
  async failIfSilent(id: number, before: Date, error: string): Promise<boolean> {
    const result = await this.repo.update(
      { id, status: 'PROCESSING', heartbeat_at: LessThan(before) },
      { status: 'FAILED', error, completed_at: new Date(), claim_token: null },
    );
    return this.announce(id, result);
  }

  async failPending(id: number, error: string): Promise<boolean> {
    const result = await this.repo.update({ id, status: 'PENDING' }, { status: 'FAILED', error, completed_at: new Date() });
    return this.announce(id, result);
  }

  findExpired(now: Date, limit = 500): Promise<ExportJob[]> {
    return this.repo.find({ where: { status: 'COMPLETED', expires_at: LessThan(now) }, take: limit, order: { id: 'ASC' } });
  }

  findCompletedBefore(cutoff: Date, limit = 10_000): Promise<ExportJob[]> {
    return this.repo.find({ where: { status: 'COMPLETED', completed_at: LessThan(cutoff) }, take: limit, order: { id: 'ASC' } });
  }

  async markExpired(id: number): Promise<boolean> {
    const result = await this.repo.update({ id, status: 'COMPLETED' }, { status: 'EXPIRED', claim_token: null });
    return this.announce(id, result);
  }

  async delete(id: number): Promise<void> {
    await this.repo.delete({ id });
  }

  findById(id: number): Promise<ExportJob | null> {
    return this.repo.findOneBy({ id });
  }

  /** What tells whether an attempt on these jobs may still be running; ids without a row are left out. */
  findAttemptStates(ids: number[]): Promise<Pick<ExportJob, 'id' | 'status' | 'started_at'>[]> {
    return this.repo.find({ select: { id: true, status: true, started_at: true }, where: { id: In(ids) } });
  }

  pageForUser(userId: string, page: number, perPage: number): Promise<[ExportJob[], number]> {
    return this.page({ userId }, page, perPage);
  }

  /** One page of the jobs the filter selects, newest first, with their total count. */
  page(filter: JobPageFilter, page: number, perPage: number): Promise<[ExportJob[], number]> {
    return this.repo.findAndCount({
      where: { user_id: filter.userId, status: filter.status, export_type: filter.exportType },
      order: { id: 'DESC' },
      skip: (page - 1) * perPage,
      take: perPage,
    });
  }

  /** Jobs an in-process queue must pick up again after a restart. */
  async findUnfinishedIds(): Promise<number[]> {
    const rows = await this.repo.find({
      select: { id: true },
      where: [{ status: 'PENDING' }, { status: 'PROCESSING' }],
      order: { id: 'ASC' },
    });
    return rows.map((row) => row.id);
  }

  /**
   * Atomically takes a PENDING job, or a PROCESSING one whose owner stopped sending heartbeats.
   * Returns false when another live worker owns it or it is already finished.
   */
  async claim(id: number, token: string, workerId: string, staleBefore: Date): Promise<boolean> {
    const now = new Date();
    const result = await this.repo
      .createQueryBuilder()
      .update(ExportJob)
      .set({
        status: 'PROCESSING',
        claim_token: token,
        worker_id: workerId,
        heartbeat_at: now,
        started_at: now,
        attempts: () => 'attempts + 1',
        processed_records: 0,
        progress: 0,
        error: null,
        snapshot_at: null,
        throttle_reason: null,
      })
      .where('id = :id', { id })
      .andWhere("(status = 'PENDING' OR (status = 'PROCESSING' AND (heartbeat_at IS NULL OR heartbeat_at < :stale)))", {
        stale: sqlTime(staleBefore),
      })
      .execute();
    return this.announce(id, result);
  }

  /** Records progress and proves the attempt is alive. False means the claim is lost: stop. */
  async heartbeat(id: number, token: string, progress: { processed: number; total: number | null; percent: number }): Promise<boolean> {
    const result = await this.repo.update(
      { id, claim_token: token, status: 'PROCESSING' },
      { processed_records: progress.processed, total_records: progress.total, progress: progress.percent, heartbeat_at: new Date() },
    );
    return this.announce(id, result);
  }

  /** When the attempt's read snapshot was taken. */
  async recordSnapshot(id: number, token: string, snapshotAt: Date): Promise<boolean> {
    return this.announce(id, await this.repo.update({ id, claim_token: token, status: 'PROCESSING' }, { snapshot_at: snapshotAt }));
  }

  /** The attempt's read paused (with why) or going on (null); written when that changes, not per batch. */
  async recordThrottle(id: number, token: string, reason: string | null): Promise<boolean> {
    return this.announce(id, await this.repo.update({ id, claim_token: token, status: 'PROCESSING' }, { throttle_reason: reason }));
  }

  async complete(id: number, token: string, file: CompletedFile, expiresAt: Date): Promise<boolean> {
    const now = new Date();
    const result = await this.repo.update(
      { id, claim_token: token, status: 'PROCESSING' },
      {
        status: 'COMPLETED',
        progress: 100,
        processed_records: file.records,
        total_records: file.records,
        file_name: file.fileName,
        file_size: String(file.fileSize),
        storage_key: file.storageKey,
        completed_at: now,
        expires_at: expiresAt,
        heartbeat_at: now,
        claim_token: null,
        error: null,
        throttle_reason: null,
      },
    );
    return this.announce(id, result);
  }

  /** Ends the attempt: back to PENDING for a retry, or FAILED for good. */
  async release(id: number, token: string, outcome: { final: boolean; error: string }): Promise<void> {
    const result = await this.repo.update(
      { id, claim_token: token, status: 'PROCESSING' },
      outcome.final
        ? { status: 'FAILED', error: outcome.error, completed_at: new Date(), claim_token: null, throttle_reason: null }
        : { status: 'PENDING', error: outcome.error, claim_token: null, throttle_reason: null },
    );
    this.announce(id, result);
  }
}
