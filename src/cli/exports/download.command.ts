import { Option, SubCommand } from 'nest-commander';
import { CliFailure } from '../cli-errors';
import { saveDownload } from '../client/save-download';
import { ClientCommand } from './client-command';
import type { ClientOptions } from './client-command';
import { parseExportId } from './export-id';

@SubCommand({ name: 'download', arguments: '<id>', description: "Save a COMPLETED export's file into a folder (HTTP)" })
export class DownloadExportCommand extends ClientCommand {
  async run([id]: string[], options: ClientOptions & { output: string }): Promise<void> {
    const exportId = parseExportId(id);
    const client = await this.client(options);
    const status = await client.status(exportId);
    if (status.status !== 'COMPLETED') {
      throw new CliFailure(
        `Export ${exportId} is ${status.status}: only a COMPLETED export has a file${status.status === 'PENDING' || status.status === 'PROCESSING' ? ` (exports wait ${exportId} --download DIR)` : ''}`,
      );
    }
    this.report(status, await saveDownload(client, status, options.output), options);
  }

  @Option({ flags: '--output <dir>', description: 'Folder to save into', defaultValue: '.' })
  parseOutput(value: string): string {
    return value;
  }
}
