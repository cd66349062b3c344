/** The authenticated caller, as taken from a verified JWT. */
export interface AuthUser {
  id: string;
  roles: string[];
  isAdmin: boolean;
}

export interface JwtClaims {
  sub?: unknown;
  roles?: unknown;
}

export function authUser(id: string, roles: string[]): AuthUser {
  return { id, roles, isAdmin: roles.includes('admin') };
}

/** The caller named by verified claims, or undefined when they do not name one. */
export function userFromClaims(claims: JwtClaims): AuthUser | undefined {
  const { sub, roles } = claims;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 64) return undefined;
  const roleList = Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
  return authUser(sub, roleList);
}

/** Admins have every role. */
export function hasRole(user: AuthUser, role: string): boolean {
  return user.isAdmin || user.roles.includes(role);
}
