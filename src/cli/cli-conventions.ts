import { Injectable } from '@nestjs/common';
import type { OnApplicationBootstrap } from '@nestjs/common';
import type { Command, CommanderError } from 'commander';
import { InjectCommander } from 'nest-commander';
import { EXIT_USAGE } from './cli-errors';

/** Every verb of every command with verbs, one line each: commander's own help lists only the top level. */
export function verbsOverview(program: Command): string {
  const rows = program.commands.flatMap((command) =>
    command.commands.map((verb) => [
      [command.name(), verb.name(), ...verb.registeredArguments.map((argument) => `<${argument.name()}>`)].join(' '),
      verb.description(),
    ]),
  );
  if (rows.length === 0) return '';
  const width = Math.max(...rows.map(([usage]) => usage.length));
  return `\nVerbs:\n${rows.map(([usage, description]) => `  ${usage.padEnd(width)}  ${description}`).join('\n')}\n`;
}

/** Commander has printed its refusal (unknown option, missing argument...): a usage error. Help and --version exit 0. */
function exitAfterCommander(error: CommanderError): never {
  process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE);
}

function* allCommands(command: Command): Generator<Command> {
  yield command;
  for (const child of command.commands) yield* allCommands(child);
}

/**
 * What nest-commander leaves out: it sets the exit handler on the root command only (its subcommands
 * would exit 1 on a usage error, not 2), and the root help does not show the verbs.
 */
@Injectable()
export class CliConventions implements OnApplicationBootstrap {
  constructor(@InjectCommander() private readonly program: Command) {}

  onApplicationBootstrap(): void {
    for (const command of allCommands(this.program)) command.exitOverride(exitAfterCommander);
    this.program.addHelpText('after', () => verbsOverview(this.program));
  }
}
