import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { parseDuration } from '../../config/app-config';
import { EXPORT_STATUSES } from '../export-job.entity';
import type { ExportJob, ExportStatus } from '../export-job.entity';
import { ExportOpsService, OpsError } from '../ops/export-ops.service';
import { renderTable } from './table.util';

/** Exit codes: 0 done, 1 bad usage or unexpected failure, 2 the export is missing or in the wrong state. */
export const EXIT_NOT_APPLICABLE = 2;

const ACTOR = 'cli';
const iso = (date: Date | null): string => (date ? new Date(date).toISOString().replace('.000Z', 'Z') : '');

function parseId(value: string | undefined): number {
  if (!value || !/^\d{1,10}$/.test(value)) throw new Error('An export id (a whole number) is required');
  return Number(value);
}

function jobTable(jobs: ExportJob[]): string {
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

/** Runs an ops action, turning OpsError into exit code 2 with the message on stderr. */
async function act(action: () => Promise<string>): Promise<void> {
  try {
    process.stdout.write(await action());
  } catch (error) {
    if (!(error instanceof OpsError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = EXIT_NOT_APPLICABLE;
  }
}

interface ListOptions {
  status?: ExportStatus;
  user?: string;
  type?: string;
  limit: number;
}

@SubCommand({ name: 'list', description: 'List exports, newest first' })
export class ListExportsCommand extends CommandRunner {
  constructor(private readonly ops: ExportOpsService) {
    super();
  }

  async run(_args: string[], options: ListOptions): Promise<void> {
    await act(async () =>
      jobTable(await this.ops.list({ status: options.status, userId: options.user, exportType: options.type, limit: options.limit })),
    );
  }

  @Option({ flags: '--status <status>', description: EXPORT_STATUSES.join(' | ') })
  parseStatus(value: string): ExportStatus {
    const status = value.toUpperCase();
    if (!(EXPORT_STATUSES as readonly string[]).includes(status)) throw new Error(`--status must be one of ${EXPORT_STATUSES.join(', ')}`);
    return status as ExportStatus;
  }

  @Option({ flags: '--user <id>', description: 'Only this user' })
  parseUser(value: string): string {
    return value;
  }

  @Option({ flags: '--type <type>', description: 'Only this export type' })
  parseType(value: string): string {
    return value.toUpperCase();
  }

  @Option({ flags: '--limit <n>', description: 'At most this many rows', defaultValue: 50 })
  parseLimit(value: string): number {
    if (!/^\d{1,5}$/.test(value) || Number(value) < 1) throw new Error('--limit must be a positive whole number');
    return Number(value);
  }
}

@SubCommand({ name: 'inspect', description: 'Queue counts, running exports with progress and worker, workers and their heartbeats' })
export class InspectExportsCommand extends CommandRunner {
  constructor(private readonly ops: ExportOpsService) {
    super();
  }

  async run(): Promise<void> {
    const { queue, statuses, active, workers } = await this.ops.inspect();
    const now = Date.now();
    process.stdout.write(
      [
        `Queue: ${
          Object.entries(queue)
            .map(([state, n]) => `${state} ${n}`)
            .join(', ') || 'in-process (runs inside the server)'
        }`,
        `Exports by status: ${
          Object.entries(statuses)
            .map(([status, n]) => `${status} ${n}`)
            .join(', ') || 'none'
        }`,
        '',
        'Running exports:',
        active.length === 0
          ? '  none\n'
          : renderTable(
              ['ID', 'USER', 'TYPE', 'FORMAT', 'PROGRESS', 'ROWS', 'WORKER', 'ATTEMPT', 'LAST BEAT'],
              active.map((job) => [
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
            ),
        'Workers:',
        workers.length === 0
          ? '  none has reported\n'
          : renderTable(
              ['WORKER', 'PID', 'CONCURRENCY', 'ACTIVE', 'STARTED', 'LAST HEARTBEAT'],
              workers.map((w) => [
                w.worker_id,
                w.pid,
                w.concurrency,
                w.active_jobs,
                iso(w.started_at),
                `${Math.round((now - new Date(w.heartbeat_at).getTime()) / 1000)}s ago`,
              ]),
            ),
      ].join('\n'),
    );
  }
}

@SubCommand({ name: 'retry', arguments: '<id>', description: 'Queue a FAILED, CANCELLED or stuck PENDING export again' })
export class RetryExportCommand extends CommandRunner {
  constructor(private readonly ops: ExportOpsService) {
    super();
  }

  async run([id]: string[]): Promise<void> {
    await act(async () => `Export ${id} queued again (${(await this.ops.retry(parseId(id), ACTOR)).status})\n`);
  }
}

@SubCommand({ name: 'cancel', arguments: '<id>', description: 'Cancel a PENDING or PROCESSING export' })
export class CancelExportCommand extends CommandRunner {
  constructor(private readonly ops: ExportOpsService) {
    super();
  }

  async run([id]: string[]): Promise<void> {
    await act(async () => `Export ${id} ${(await this.ops.cancel(parseId(id), ACTOR)).status}\n`);
  }
}

interface CleanupOptions {
  olderThan: number;
  dryRun?: boolean;
}

@SubCommand({ name: 'cleanup', description: 'Delete the files of exports completed before a cutoff (they become EXPIRED)' })
export class CleanupExportsCommand extends CommandRunner {
  constructor(private readonly ops: ExportOpsService) {
    super();
  }

  async run(_args: string[], options: CleanupOptions): Promise<void> {
    const jobs = await this.ops.cleanup(options.olderThan, options.dryRun === true);
    const verb = options.dryRun ? 'Would delete' : 'Deleted';
    process.stdout.write(
      jobs.length === 0
        ? 'Nothing to clean up\n'
        : `${verb} ${jobs.length} file(s):\n${renderTable(
            ['ID', 'USER', 'FILE', 'SIZE', 'COMPLETED'],
            jobs.map((j) => [j.id, j.user_id, j.file_name, j.file_size, iso(j.completed_at)]),
          )}`,
    );
  }

  @Option({ flags: '--older-than <duration>', description: 'Age such as 7d, 12h, 30m', defaultValue: parseDuration('7d') })
  parseOlderThan(value: string): number {
    if (!/^\d{1,6}[smhd]$/.test(value)) throw new Error('--older-than must be a duration such as 7d, 12h or 30m');
    return parseDuration(value);
  }

  @Option({ flags: '--dry-run', description: 'Only list what would be deleted' })
  parseDryRun(): boolean {
    return true;
  }
}

@Command({
  name: 'exports',
  description: 'Inspect and steer exports',
  subCommands: [ListExportsCommand, InspectExportsCommand, RetryExportCommand, CancelExportCommand, CleanupExportsCommand],
})
export class ExportsCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
