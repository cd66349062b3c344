import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli/cli.module';
import { ConfigError, loadConfig } from './config/app-config';
import { runMigrations } from './database/migrate';

async function main(): Promise<void> {
  const config = loadConfig();
  const withExports = process.argv[2] === 'exports';
  if (withExports) await runMigrations(config.database);
  await CommandFactory.run(CliModule.forRoot(config, withExports), {
    logger: ['error'],
    errorHandler: (error) => {
      // commander reports help/version as "errors" with exit code 0.
      const exitCode = (error as { exitCode?: number }).exitCode ?? 1;
      if (exitCode !== 0 && !(error as { code?: string }).code?.startsWith('commander.')) process.stderr.write(`${error.message}\n`);
      process.exit(exitCode);
    },
    serviceErrorHandler: (error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError || !(error instanceof Error) ? String(error instanceof Error ? error.message : error) : (error.stack ?? error.message)}\n`,
  );
  process.exit(1);
});
