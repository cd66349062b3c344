const KEY = 'export-center.token';

/** The bearer token, kept for this tab only (sessionStorage): never in a URL or localStorage. */
export class Session {
  private token: string | null = sessionStorage.getItem(KEY);

  get current(): string | null {
    return this.token;
  }

  signIn(token: string): void {
    this.token = token.trim().replace(/^Bearer\s+/i, '');
    sessionStorage.setItem(KEY, this.token);
  }

  signOut(): void {
    this.token = null;
    sessionStorage.removeItem(KEY);
  }

  /** The token's subject, for "Signed in as ..." (the server checks the signature, not the page). */
  get userId(): string {
    const { sub } = this.claims();
    return typeof sub === 'string' ? sub : 'unknown user';
  }

  /** Whether to offer the admin view; the API answers 403 to anyone it does not take for an admin. */
  get isAdmin(): boolean {
    const { roles } = this.claims();
    return Array.isArray(roles) && roles.includes('admin');
  }

  private claims(): { sub?: unknown; roles?: unknown } {
    try {
      const payload = this.token?.split('.')[1] ?? '';
      const claims: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
      return typeof claims === 'object' && claims !== null ? claims : {};
    } catch {
      return {};
    }
  }
}
