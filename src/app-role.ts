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

export const servesApi = (role: ProcessRole): boolean => role === 'all' || role === 'api';
export const runsWorker = (role: ProcessRole): boolean => role === 'all' || role === 'worker';

/** A module's parts by role: `every` in each process (the CLI's too), `api` with HTTP, `worker` with the job workers, `cli` in the CLI only. */
export interface RoleParts<T> {
  every?: readonly T[];
  api?: readonly T[];
  worker?: readonly T[];
  cli?: readonly T[];
}

/** The parts `role` registers (once each: role `all` is both api and worker); every module decides its roles with this. */
export function forRoles<T>(role: ProcessRole, parts: RoleParts<T>): T[] {
  return [
    ...new Set([
      ...(parts.every ?? []),
      ...(servesApi(role) ? (parts.api ?? []) : []),
      ...(runsWorker(role) ? (parts.worker ?? []) : []),
      ...(role === 'cli' ? (parts.cli ?? []) : []),
    ]),
  ];
}
