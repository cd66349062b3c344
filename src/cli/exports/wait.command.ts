import { Option, SubCommand } from 'nest-commander';
import { ClientCommand } from './client-command';
import type { ClientOptions } from './client-command';
import { parseExportId } from './export-id';

@SubCommand({
  name: 'wait',
  arguments: '<id>',
  description: 'Follow an export with a progress bar until it ends (HTTP)',
})
export class WaitExportCommand extends ClientCommand {
  async run([id]: string[], options: ClientOptions & { download?: string }): Promise<void> {
    const exportId = parseExportId(id);
    await this.waitFor(await this.client(options), exportId, options, options.download);
  }

  @Option({ flags: '--download <dir>', description: 'Then save the file into this folder' })
  parseDownload(value: string): string {
    return value;
  }
}
