import { ACTIVE_STATUSES, ExportJob } from '../../export-job.entity';
import type { ExportStatus } from '../../export-job.entity';
import type { CompletedFile, ExportJobsRepository, JobPageFilter, NewExportJob } from '../../export-jobs.repository';

/** What the services and the runner call; the fake keeps the real signatures for exactly these. */
export type JobsUsed = Pick<
  ExportJobsRepository,
  | 'createWithinActiveCap'
  | 'resetWithinActiveCap'
  | 'findByIdempotencyKey'
  | 'forgetIdempotencyKey'
  | 'findById'
  | 'delete'
  | 'cancel'
  | 'reset'
  | 'page'
  | 'pageForUser'
  | 'claim'
  | 'heartbeat'
  | 'recordSnapshot'
  | 'recordThrottle'
  | 'complete'
  | 'release'
>;

const RETRYABLE: readonly ExportStatus[] = ['FAILED', 'CANCELLED'];

/** The unique (user_id, idempotency_key) index's refusal, as the driver reports it. */
export class DuplicateKeyError extends Error {
  readonly code = 'ER_DUP_ENTRY';
}

/**
 * export_jobs in memory, with the real repository's rules: the active cap counted with the write,
 * one idempotency key per user, and every attempt's write conditional on its claim token.
 */
export class FakeExportJobsRepository implements JobsUsed {
  readonly rows = new Map<number, ExportJob>();
  private nextId = 1;
  /** Runs inside the next create, before its checks: another request's write landing first. */
  private interleave?: () => void;

  /** A row as the database would hold it, for arranging a test; returns it. */
  insert(fields: Partial<ExportJob> & Pick<ExportJob, 'user_id'>): ExportJob {
    const job = Object.assign(new ExportJob(), {
      id: this.nextId++,
      export_type: 'TOLLS',
      format: 'csv',
      filters: '{}',
      columns: null,
      status: 'PENDING',
      progress: 0,
      processed_records: 0,
      total_records: null,
      attempts: 0,
      error: null,
      file_name: null,
      file_size: null,
      storage_key: null,
      claim_token: null,
      worker_id: null,
      heartbeat_at: null,
      created_at: new Date(),
      started_at: null,
      completed_at: null,
      expires_at: null,
      idempotency_key: null,
      request_hash: null,
      compression: null,
      csv_options: null,
      notify: null,
      schedule_id: null,
      snapshot_at: null,
      throttle_reason: null,
      ...fields,
    } satisfies ExportJob);
    if (job.idempotency_key !== null && this.byKey(job.user_id, job.idempotency_key)) throw new DuplicateKeyError('Duplicate entry');
    this.rows.set(job.id, job);
    return job;
  }

  beforeNextCreate(write: () => void): void {
    this.interleave = write;
  }

  activeCount(userId: string): number {
    return [...this.rows.values()].filter((job) => job.user_id === userId && ACTIVE_STATUSES.includes(job.status)).length;
  }

  async createWithinActiveCap(maxActive: number, job: NewExportJob): Promise<{ job: ExportJob } | { active: number }> {
    const interleave = this.interleave;
    this.interleave = undefined;
    interleave?.();
    const active = this.activeCount(job.userId);
    if (active >= maxActive) return { active };
    const row = this.insert({
      user_id: job.userId,
      export_type: job.exportType,
      format: job.format,
      filters: JSON.stringify(job.filters),
      columns: job.columns ? JSON.stringify(job.columns) : null,
      idempotency_key: job.idempotencyKey ?? null,
      request_hash: job.requestHash ?? null,
      compression: job.compression ?? null,
      csv_options: job.csvOptions ? JSON.stringify(job.csvOptions) : null,
      notify: job.notify ? JSON.stringify(job.notify) : null,
      schedule_id: job.scheduleId ?? null,
    });
    return { job: this.copy(row) };
  }

  async resetWithinActiveCap(maxActive: number, id: number, userId: string): Promise<{ reset: boolean } | { active: number }> {
    const active = this.activeCount(userId);
    if (active >= maxActive) return { active };
    const job = this.rows.get(id);
    return { reset: job?.user_id === userId && this.resetRow(job) };
  }

  async findByIdempotencyKey(userId: string, key: string): Promise<ExportJob | null> {
    const job = this.byKey(userId, key);
    return job ? this.copy(job) : null;
  }

  async forgetIdempotencyKey(userId: string, key: string, createdBefore: Date): Promise<void> {
    const job = this.byKey(userId, key);
    if (job && job.created_at < createdBefore) job.idempotency_key = null;
  }

  async findById(id: number): Promise<ExportJob | null> {
    const job = this.rows.get(id);
    return job ? this.copy(job) : null;
  }

  async delete(id: number): Promise<void> {
    this.rows.delete(id);
  }

  async cancel(id: number): Promise<boolean> {
    const job = this.rows.get(id);
    if (!job || !ACTIVE_STATUSES.includes(job.status)) return false;
    Object.assign(job, { status: 'CANCELLED', completed_at: new Date(), claim_token: null, error: 'Cancelled on request' });
    return true;
  }

  async reset(id: number): Promise<boolean> {
    const job = this.rows.get(id);
    return job !== undefined && this.resetRow(job);
  }

  async page(filter: JobPageFilter, page: number, perPage: number): Promise<[ExportJob[], number]> {
    const matching = [...this.rows.values()]
      .filter(
        (job) =>
          (filter.userId === undefined || job.user_id === filter.userId) &&
          (filter.status === undefined || job.status === filter.status) &&
          (filter.exportType === undefined || job.export_type === filter.exportType),
      )
      .sort((a, b) => b.id - a.id);
    return [matching.slice((page - 1) * perPage, page * perPage).map((job) => this.copy(job)), matching.length];
  }

  pageForUser(userId: string, page: number, perPage: number): Promise<[ExportJob[], number]> {
    return this.page({ userId }, page, perPage);
  }

  async claim(id: number, token: string, workerId: string, staleBefore: Date): Promise<boolean> {
    const job = this.rows.get(id);
    const stale = job?.status === 'PROCESSING' && (job.heartbeat_at === null || job.heartbeat_at < staleBefore);
    if (!job || !(job.status === 'PENDING' || stale)) return false;
    const now = new Date();
    Object.assign(job, {
      status: 'PROCESSING',
      claim_token: token,
      worker_id: workerId,
      heartbeat_at: now,
      started_at: now,
      attempts: job.attempts + 1,
      processed_records: 0,
      progress: 0,
      error: null,
      snapshot_at: null,
      throttle_reason: null,
    });
    return true;
  }

  async heartbeat(id: number, token: string, progress: { processed: number; total: number | null; percent: number }): Promise<boolean> {
    const job = this.owned(id, token);
    if (!job) return false;
    Object.assign(job, {
      processed_records: progress.processed,
      total_records: progress.total,
      progress: progress.percent,
      heartbeat_at: new Date(),
    });
    return true;
  }

  async recordSnapshot(id: number, token: string, snapshotAt: Date): Promise<boolean> {
    const job = this.owned(id, token);
    if (job) job.snapshot_at = snapshotAt;
    return job !== undefined;
  }

  async recordThrottle(id: number, token: string, reason: string | null): Promise<boolean> {
    const job = this.owned(id, token);
    if (job) job.throttle_reason = reason;
    return job !== undefined;
  }

  async complete(id: number, token: string, file: CompletedFile, expiresAt: Date): Promise<boolean> {
    const job = this.owned(id, token);
    if (!job) return false;
    const now = new Date();
    Object.assign(job, {
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
    });
    return true;
  }

  async release(id: number, token: string, outcome: { final: boolean; error: string }): Promise<void> {
    const job = this.owned(id, token);
    if (!job) return;
    Object.assign(
      job,
      outcome.final
        ? { status: 'FAILED', error: outcome.error, completed_at: new Date(), claim_token: null }
        : { status: 'PENDING', error: outcome.error, claim_token: null },
    );
  }

  private owned(id: number, token: string): ExportJob | undefined {
    const job = this.rows.get(id);
    return job?.status === 'PROCESSING' && job.claim_token === token ? job : undefined;
  }

  private byKey(userId: string, key: string): ExportJob | undefined {
    return [...this.rows.values()].find((job) => job.user_id === userId && job.idempotency_key === key);
  }

  private resetRow(job: ExportJob): boolean {
    if (!RETRYABLE.includes(job.status)) return false;
    Object.assign(job, {
      status: 'PENDING',
      error: null,
      progress: 0,
      processed_records: 0,
      attempts: 0,
      completed_at: null,
      claim_token: null,
    });
    return true;
  }

  /** Callers get their own object, as from a query: changing it changes nothing stored. */
  private copy(job: ExportJob): ExportJob {
    return Object.assign(new ExportJob(), job);
  }
}
