import { CommandRunner, Option, SubCommand } from 'nest-commander';
import { EXPORT_STATUSES } from '../../exports/export-job.entity';
import type { ExportStatus } from '../../exports/export-job.entity';
import { UsageError } from '../cli-errors';
import { OpsEngine } from './ops-engine';
import { printJson } from './json-output';
import { jobTable, opsJson } from './ops-views';

interface ListOptions {
  status?: ExportStatus;
  user?: string;
  type?: string;
  limit: number;
  json?: boolean;
}

@SubCommand({ name: 'list', description: 'List exports, newest first (database)' })
export class ListExportsCommand extends CommandRunner {
  constructor(private readonly engine: OpsEngine) {
    super();
  }

  async run(_args: string[], options: ListOptions): Promise<void> {
    const jobs = await this.engine.run((ops) =>
      ops.list({ status: options.status, userId: options.user, exportType: options.type, limit: options.limit }),
    );
    if (options.json) printJson(jobs.map(opsJson));
    else process.stdout.write(jobTable(jobs));
  }

  @Option({ flags: '--status <status>', description: EXPORT_STATUSES.join(' | ') })
  parseStatus(value: string): ExportStatus {
    const status = value.toUpperCase();
    if (!(EXPORT_STATUSES as readonly string[]).includes(status))
      throw new UsageError(`--status must be one of ${EXPORT_STATUSES.join(', ')}`);
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
    if (!/^\d{1,5}$/.test(value) || Number(value) < 1) throw new UsageError('--limit must be a positive whole number');
    return Number(value);
  }

  @Option({ flags: '--json', description: 'Print a JSON array (for scripts)' })
  parseJson(): boolean {
    return true;
  }
}
