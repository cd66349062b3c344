/** A failure no retry can fix (a request the format cannot serve); the job fails at once. */
export class PermanentExportError extends Error {}

/** Another worker is producing this export right now; the queue retries later (it may have died). */
export class ExportBusyError extends Error {
  constructor(exportId: number) {
    super(`Export ${exportId} is being produced by another worker`);
  }
}

/** The attempt no longer owns its job (cancelled, or taken over after a stall); it stops quietly. */
export class ClaimLostError extends Error {
  constructor(exportId: number) {
    super(`Export ${exportId} is no longer owned by this attempt`);
  }
}

/** A message a user can act on; the detail stays in the logs. */
export function userFacingError(error: unknown): string {
  if (error instanceof PermanentExportError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'The export server ran out of disk space while writing the file. Try again later or ask an operator to free space.';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'The export directory is not writable. Ask an operator to check EXPORT_DIR permissions.';
    case 'PROTOCOL_CONNECTION_LOST':
    case 'ECONNRESET':
    case 'ECONNREFUSED':
    case 'ER_QUERY_INTERRUPTED':
    case 'ER_CONNECTION_KILLED':
      return 'The database connection was lost while reading rows.';
    default:
      return 'The export failed unexpectedly. Try again; if it keeps failing, contact an operator with the export id.';
  }
}
