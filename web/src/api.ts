import type { DownloadLink, ExportAccepted, ExportListQuery, ExportPage, ExportRequestBody, ExportStatus, ExportType } from './types.js';

/** An HTTP error answer: its stable `code` (docs/errors.md) and the API's own `messages` (a 400 names every offending field). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
    readonly retryAfterSeconds?: number,
    readonly code?: string,
  ) {
    super(messages.join(' ') || `HTTP ${status}`);
  }
}

/** What GET /api/auth/options says the server offers. */
export interface SignInOptions {
  dev_sign_in: boolean;
  development: boolean;
}

/** The request never got an answer (server down, connection lost). */
export class NetworkError extends Error {}

async function errorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({}))) as { message?: unknown; code?: unknown };
  const messages = Array.isArray(body.message) ? body.message.map(String) : typeof body.message === 'string' ? [body.message] : [];
  const retryAfter = Number(response.headers.get('Retry-After'));
  return new ApiError(
    response.status,
    messages,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    typeof body.code === 'string' ? body.code : undefined,
  );
}

/** The Exports API with the signed-in user's bearer token. */
export class ExportsApi {
  constructor(private readonly token: () => string | null) {}

  /** The raw answer, for streams; throws ApiError unless 2xx. */
  async fetch(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    const token = this.token();
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        cache: 'no-store',
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new NetworkError('The server cannot be reached');
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  private async json<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    return (await (await this.fetch(method, path, body, signal)).json()) as T;
  }

  types(): Promise<ExportType[]> {
    return this.json('GET', '/api/exports/types');
  }

  requestExport(body: ExportRequestBody): Promise<ExportAccepted> {
    return this.json('POST', '/api/exports/request', body);
  }

  myExports(page: number, perPage: number): Promise<ExportPage> {
    return this.json('GET', `/api/exports/my-exports?page=${page}&per_page=${perPage}`);
  }

  /** Everyone's exports (admins only: 403 for others). */
  allExports(query: ExportListQuery): Promise<ExportPage> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, String(value));
    return this.json('GET', `/api/exports?${params.toString()}`);
  }

  status(id: number, signal?: AbortSignal): Promise<ExportStatus> {
    return this.json('GET', `/api/exports/${id}/status`, undefined, signal);
  }

  cancel(id: number): Promise<ExportStatus> {
    return this.json('POST', `/api/exports/${id}/cancel`);
  }

  retry(id: number): Promise<ExportStatus> {
    return this.json('POST', `/api/exports/${id}/retry`);
  }

  downloadLink(id: number): Promise<DownloadLink> {
    return this.json('POST', `/api/exports/${id}/link`);
  }

  /** `text/event-stream` of status messages, read with fetch so the bearer header goes along. */
  events(id: number, signal: AbortSignal): Promise<Response> {
    return this.fetch('GET', `/api/exports/${id}/events`, undefined, signal);
  }

  signInOptions(): Promise<SignInOptions> {
    return this.json('GET', '/api/auth/options');
  }

  async devToken(userId: string): Promise<string> {
    return (await this.json<{ token: string }>('POST', '/api/auth/dev-token', { user_id: userId })).token;
  }
}
