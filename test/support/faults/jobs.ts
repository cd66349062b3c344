import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { ExportJob } from '../../../src/exports/export-job.entity';
import { waitFor } from '../processes';

export interface JobRow {
  id: number;
  status: string;
  attempts: number;
  processed_records: number;
  error: string | null;
  storage_key: string | null;
  claim_token: string | null;
}

/** The export_jobs row as the database has it (not through the API). */
export async function jobRow(db: DataSource, id: number): Promise<JobRow> {
  const [row]: JobRow[] = await db.query(
    'SELECT id, status, attempts, processed_records, error, storage_key, claim_token FROM export_jobs WHERE id = ?',
    [id],
  );
  if (!row) throw new Error(`export_jobs has no row ${id}`);
  return { ...row, attempts: Number(row.attempts), processed_records: Number(row.processed_records) };
}

export async function countJobs(db: DataSource): Promise<number> {
  const [row]: { n: string | number }[] = await db.query('SELECT COUNT(*) AS n FROM export_jobs');
  return Number(row.n);
}

/** The audit trail of one export, oldest first: `['created', 'started', 'completed']`. */
export async function auditEvents(db: DataSource, id: number): Promise<{ event: string; detail: string | null }[]> {
  return db.query('SELECT event, detail FROM export_events WHERE export_id = ? ORDER BY id', [id]);
}

/**
 * The audit trail once it holds `event`: the status write comes first and the audit row right
 * after it, so a test that has just seen the status must wait for the row.
 */
export async function auditEventsOnce(
  db: DataSource,
  id: number,
  event: string,
  timeoutMs = 10_000,
): Promise<{ event: string; detail: string | null }[]> {
  let events: { event: string; detail: string | null }[] = [];
  await waitFor(
    async () => (events = await auditEvents(db, id)).some((row) => row.event === event),
    timeoutMs,
    () => `export ${id} never recorded "${event}": ${JSON.stringify(events)}`,
  );
  return events;
}

/** Polls the job row until `check` holds; returns the row that satisfied it. */
export async function waitForJob(db: DataSource, id: number, check: (job: JobRow) => boolean, timeoutMs = 60_000): Promise<JobRow> {
  let last: JobRow | undefined;
  await waitFor(
    async () => check((last = await jobRow(db, id))),
    timeoutMs,
    () => `export ${id}: last seen ${JSON.stringify(last)}`,
  );
  return last as JobRow;
}

/** Finished files of an export in EXPORT_DIR (storage keys start with `<id>-`). */
export function exportFiles(exportDir: string, id: number): string[] {
  return existsSync(exportDir) ? readdirSync(exportDir).filter((name) => name.startsWith(`${id}-`)) : [];
}

/** Whatever is left in EXPORT_DIR/.partial (attempts in flight, or litter of failed ones). */
export function partialFiles(exportDir: string): string[] {
  const dir = join(exportDir, '.partial');
  return existsSync(dir) ? readdirSync(dir) : [];
}

/**
 * Writes an export_jobs row straight into the database, bypassing API and queue: the state a
 * crashed worker or a Redis that lost its data leaves behind.
 */
export async function insertJob(db: DataSource, fields: Partial<ExportJob> & Pick<ExportJob, 'status' | 'created_at'>): Promise<number> {
  const job = await db.getRepository(ExportJob).save({
    user_id: 'alice',
    export_type: 'EZPASS',
    format: 'json',
    filters: '{}',
    columns: null,
    progress: 0,
    processed_records: 0,
    attempts: 0,
    ...fields,
  });
  return job.id;
}
