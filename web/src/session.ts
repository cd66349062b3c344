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
    try {
      const payload = this.token?.split('.')[1] ?? '';
      const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
      const sub = (JSON.parse(json) as { sub?: unknown }).sub;
      return typeof sub === 'string' ? sub : 'unknown user';
    } catch {
      return 'unknown user';
    }
  }
}
