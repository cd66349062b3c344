/** What one process runs: the HTTP API, the export worker, or both (the default). */
export const APP_ROLES = ['all', 'api', 'worker'] as const;
export type AppRole = (typeof APP_ROLES)[number];

export function parseRole(value: string | undefined): AppRole {
  const role = value ?? 'all';
  if (!(APP_ROLES as readonly string[]).includes(role)) {
    throw new Error(`Unknown role "${role}"; use one of: ${APP_ROLES.join(', ')}`);
  }
  return role as AppRole;
}
