import { CommandRunner, Option, SubCommand } from 'nest-commander';
import type { QueueInspection } from '../../exports/jobs/export-ops.service';
import { printJson } from './json-output';
import { iso, opsJson, runningTable } from './ops-views';
import { OpsEngine } from './ops-engine';
import { renderTable } from './table.util';

const counts = (entries: Record<string, number | undefined>, none: string): string =>
  Object.entries(entries)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ') || none;

function inspectionText({ queue, statuses, active, workers }: QueueInspection, now: number): string {
  return [
    `Queue: ${counts(queue, 'in-process (runs inside the server)')}`,
    `Exports by status: ${counts(statuses, 'none')}`,
    '',
    'Running exports:',
    active.length === 0 ? '  none\n' : runningTable(active, now),
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
  ].join('\n');
}

@SubCommand({
  name: 'inspect',
  description: 'Queue counts, running exports, workers and heartbeats (database)',
})
export class InspectExportsCommand extends CommandRunner {
  constructor(private readonly engine: OpsEngine) {
    super();
  }

  async run(_args: string[], options: { json?: boolean }): Promise<void> {
    const inspection = await this.engine.run((ops) => ops.inspect());
    if (options.json) printJson({ ...inspection, active: inspection.active.map(opsJson) });
    else process.stdout.write(inspectionText(inspection, Date.now()));
  }

  @Option({ flags: '--json', description: 'Print one JSON object (for scripts)' })
  parseJson(): boolean {
    return true;
  }
}
