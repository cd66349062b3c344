import { CommandRunner, SubCommand } from 'nest-commander';
import { parseExportId } from './export-id';
import { OPERATOR } from './operator';
import { OpsEngine } from './ops-engine';

@SubCommand({ name: 'retry', arguments: '<id>', description: 'Queue a FAILED, CANCELLED or stuck PENDING export again (database)' })
export class RetryExportCommand extends CommandRunner {
  constructor(private readonly engine: OpsEngine) {
    super();
  }

  async run([id]: string[]): Promise<void> {
    const exportId = parseExportId(id);
    const job = await this.engine.run((ops) => ops.retry(exportId, OPERATOR));
    process.stdout.write(`Export ${exportId} queued again (${job.status})\n`);
  }
}
