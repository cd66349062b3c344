/** Exit codes, by convention: 0 done, 1 a failure (or an export that did not complete), 2 bad usage. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The command line is wrong: a missing or malformed option, or a request the API refused as invalid. */
export class UsageError extends Error {}

/** The verb could not do its job (nothing found, a refused action, a lost connection); the message says why. */
export class CliFailure extends Error {}

/** The exit code for an error that ended a command. */
export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE;
}
