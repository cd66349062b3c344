import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { exitCodeOf } from './cli/cli-errors';
import { CliModule } from './cli/cli.module';
import { packageVersion } from './cli/version';
import { ConfigError, loadConfig } from './config/app-config';

/** A command's error: its message, and the exit code its kind calls for. */
function commandFailed(error: Error): never {
  process.stderr.write(`${error.message}\n`);
  process.exit(exitCodeOf(error));
}

async function main(): Promise<void> {
  await CommandFactory.run(CliModule.forRoot(loadConfig()), {
    logger: ['error'],
    version: packageVersion(),
    serviceErrorHandler: commandFailed,
  });
}

main().catch((error: unknown) => {
  // One line for a configuration mistake; the stack for the unexpected.
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
