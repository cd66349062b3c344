import { ExportStatusDto } from '../../exports/dto/export-status.dto';
import type { ExportJob } from '../../exports/export-job.entity';
import { renderTable } from './table.util';

export const iso = (date: Date | null): string => (date ? new Date(date).toISOString().replace('.000Z', 'Z') : '');

/** An export as operators see it in `--json`: the API's status plus who owns it and who runs it. */
export function opsJson(
  job: ExportJob,
): ExportStatusDto & Pick<ExportJob, 'user_id' | 'worker_id' | 'attempts'> & { heartbeat_at: string | null } {
  return {
    ...ExportStatusDto.from(job),
    user_id: job.user_id,
    worker_id: job.worker_id,
    attempts: job.attempts,
    heartbeat_at: job.heartbeat_at ? new Date(job.heartbeat_at).toISOString() : null,
  };
}

export function jobTable(jobs: ExportJob[]): string {
  return renderTable(
    ['ID', 'USER', 'TYPE', 'FORMAT', 'STATUS', 'PROGRESS', 'ROWS', 'SIZE', 'CREATED', 'FINISHED', 'ERROR'],
    jobs.map((job) => [
      job.id,
      job.user_id,
      job.export_type,
      job.format,
      job.status,
      `${job.progress}%`,
      job.total_records === null ? job.processed_records : `${job.processed_records}/${job.total_records}`,
      job.file_size,
      iso(job.created_at),
      iso(job.completed_at),
      job.error?.slice(0, 60),
    ]),
  );
}

export function runningTable(jobs: ExportJob[], now: number): string {
  return renderTable(
    ['ID', 'USER', 'TYPE', 'FORMAT', 'PROGRESS', 'ROWS', 'WORKER', 'ATTEMPT', 'LAST BEAT'],
    jobs.map((job) => [
      job.id,
      job.user_id,
      job.export_type,
      job.format,
      `${job.progress}%`,
      `${job.processed_records}/${job.total_records ?? '?'}`,
      job.worker_id,
      job.attempts,
      job.heartbeat_at ? `${Math.round((now - new Date(job.heartbeat_at).getTime()) / 1000)}s ago` : '',
    ]),
  );
}
