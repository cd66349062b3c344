/** A configuration mistake: the process stops with this one line, without a stack. */
export class ConfigError extends Error {}

/** For a process's entry point: one line for a configuration mistake, the stack for the unexpected; exits 1. */
export function exitOnStartupError(error: unknown): never {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
}
