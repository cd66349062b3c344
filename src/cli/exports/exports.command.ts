import { Command, CommandRunner } from 'nest-commander';
import { CancelExportCommand } from './cancel.command';
import { CleanupExportsCommand } from './cleanup.command';
import { DownloadExportCommand } from './download.command';
import { InspectExportsCommand } from './inspect.command';
import { ListExportsCommand } from './list.command';
import { OpsEngine } from './ops-engine';
import { RequestExportCommand } from './request.command';
import { RetryExportCommand } from './retry.command';
import { WaitExportCommand } from './wait.command';

const CLIENT_VERBS = [RequestExportCommand, WaitExportCommand, DownloadExportCommand];
const OPS_VERBS = [ListExportsCommand, InspectExportsCommand, RetryExportCommand, CancelExportCommand, CleanupExportsCommand];

@Command({
  name: 'exports',
  description: 'Request, wait for, download (HTTP); list, inspect, retry, cancel, clean up (database)',
  subCommands: [...CLIENT_VERBS, ...OPS_VERBS],
})
export class ExportsCommand extends CommandRunner {
  async run([verb]: string[]): Promise<void> {
    if (verb) this.command.error(`error: unknown verb '${verb}' (see cli exports --help)`);
    this.command.help();
  }
}

/** The `exports` command, its verbs and what they need, for the CLI module. */
export const EXPORTS_COMMAND_PROVIDERS = [ExportsCommand, ...CLIENT_VERBS, ...OPS_VERBS, OpsEngine];
