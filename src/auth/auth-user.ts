/** The authenticated caller, as taken from a verified JWT. */
export interface AuthUser {
  id: string;
  roles: string[];
  isAdmin: boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The claim at a dotted path such as `realm_access.roles` (own properties only). */
function claimAt(claims: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined), claims);
}

/** The claims that put `roles` at the dotted path `rolesClaim`, for tokens this service mints. */
export function rolesAt(rolesClaim: string, roles: string[]): Record<string, unknown> {
  const [name, ...deeper] = rolesClaim.split('.');
  return { [name]: deeper.length === 0 ? roles : rolesAt(deeper.join('.'), roles) };
}

export function authUser(id: string, roles: string[]): AuthUser {
  return { id, roles, isAdmin: roles.includes('admin') };
}

/** The caller named by verified claims, or undefined when they do not name one. */
export function userFromClaims(claims: Record<string, unknown>, rolesClaim: string): AuthUser | undefined {
  const { sub } = claims;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 64) return undefined;
  const roles = claimAt(claims, rolesClaim);
  const roleList = Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
  return authUser(sub, roleList);
}

/** Admins have every role. */
export function hasRole(user: AuthUser, role: string): boolean {
  return user.isAdmin || user.roles.includes(role);
}
