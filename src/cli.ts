// First: tracing, when configured, must be in place before the modules it instruments load.
import './tracing/start-cli-tracing';
import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { exitCodeOf } from './cli/cli-errors';
import { CliModule } from './cli/cli.module';
import { packageVersion } from './cli/version';
import { loadConfig } from './config/app-config';
import { exitOnStartupError } from './config/config-error';
import { stopTracing, tracingEnabled } from './tracing/tracing';

/** A command's error: its message, and the exit code its kind calls for (once the last spans are sent). */
function commandFailed(error: Error): void {
  process.stderr.write(`${error.message}\n`);
  const exit = (): never => process.exit(exitCodeOf(error));
  if (tracingEnabled()) void stopTracing().finally(exit);
  else exit();
}

async function main(): Promise<void> {
  await CommandFactory.run(CliModule.forRoot(loadConfig()), {
    logger: ['error'],
    version: packageVersion(),
    serviceErrorHandler: commandFailed,
  });
  await stopTracing();
}

main().catch(exitOnStartupError);
