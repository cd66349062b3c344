import { CommandRunner, Option, SubCommand } from 'nest-commander';
import { parseDuration } from '../../config/app-config';
import { UsageError } from '../cli-errors';
import { OpsEngine } from './ops-engine';
import { iso } from './ops-views';
import { renderTable } from './table.util';

interface CleanupOptions {
  olderThan: number;
  dryRun?: boolean;
}

@SubCommand({ name: 'cleanup', description: 'Delete files of exports completed before a cutoff (database)' })
export class CleanupExportsCommand extends CommandRunner {
  constructor(private readonly engine: OpsEngine) {
    super();
  }

  async run(_args: string[], options: CleanupOptions): Promise<void> {
    const jobs = await this.engine.run((ops) => ops.cleanup(options.olderThan, options.dryRun === true));
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
    if (!/^\d{1,6}[smhd]$/.test(value)) throw new UsageError('--older-than must be a duration such as 7d, 12h or 30m');
    return parseDuration(value);
  }

  @Option({ flags: '--dry-run', description: 'Only list what would be deleted' })
  parseDryRun(): boolean {
    return true;
  }
}
