import { CommandRunner, SubCommand } from 'nest-commander';
import { parseExportId } from './export-id';
import { OPERATOR } from './operator';
import { OpsEngine } from './ops-engine';

@SubCommand({ name: 'cancel', arguments: '<id>', description: 'Cancel a PENDING or PROCESSING export (database)' })
export class CancelExportCommand extends CommandRunner {
  constructor(private readonly engine: OpsEngine) {
    super();
  }

  async run([id]: string[]): Promise<void> {
    const exportId = parseExportId(id);
    const job = await this.engine.run((ops) => ops.cancel(exportId, OPERATOR));
    process.stdout.write(`Export ${exportId} ${job.status}\n`);
  }
}
