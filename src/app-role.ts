/** What one process runs: the HTTP API, the export worker, or both (the default). */
export const APP_ROLES = ['all', 'api', 'worker'] as const;
export type AppRole = (typeof APP_ROLES)[number];
/** Roles of the process, plus the CLI (queue producer only, no HTTP, no worker). */
export type ProcessRole = AppRole | 'cli';

export function parseRole(value: string | undefined): AppRole {
  const role = value ?? 'all';
  if (!(APP_ROLES as readonly string[]).includes(role)) {
    throw new Error(`Unknown role "${role}"; use one of: ${APP_ROLES.join(', ')}`);
  }
  return role as AppRole;
}
