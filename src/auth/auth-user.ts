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

/** The caller named by verified claims, or undefined when they do not name one. */
export function userFromClaims(claims: JwtClaims): AuthUser | undefined {
  const { sub, roles } = claims;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 64) return undefined;
  const roleList = Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
  return { id: sub, roles: roleList, isAdmin: roleList.includes('admin') };
}
