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
