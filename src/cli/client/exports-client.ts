import type { ExportAcceptedDto, ExportStatusDto } from '../../exports/dto/export-status.dto';

export interface ExportRequestBody {
  export_type: string;
  format: string;
  filters?: Record<string, string | string[]>;
  columns?: string[];
  compression?: string;
}

/** An answer other than 2xx; `messages` are the API's own (a 400 names every offending field). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
  ) {
    super(messages.join('; ') || `HTTP ${status}`);
  }
}

/** The server could not be reached, or the connection broke. */
export class NetworkError extends Error {}

/** Reads both Nest's `{ message }` and problem details' `{ detail, errors }` bodies. */
async function apiError(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({}))) as { message?: unknown; detail?: unknown; errors?: unknown };
  const texts = (value: unknown): string[] =>
    Array.isArray(value)
      ? value.map((item: unknown) => String((item as { message?: unknown } | null)?.message ?? item))
      : typeof value === 'string'
        ? [value]
        : [];
  // Problem details carry the same words in `message` and `detail`: the first of these that says anything.
  const messages = [texts(body.errors), texts(body.detail), texts(body.message)].find((found) => found.length > 0) ?? [];
  return new ApiError(response.status, messages);
}

/** The Exports API over HTTP with one bearer token: what the CLI's client verbs use, never the database. */
export class ExportsClient {
  /** `baseUrl`: the server's origin and path prefix, without a trailing slash. */
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  request(body: ExportRequestBody): Promise<ExportAcceptedDto> {
    return this.json('POST', '/api/exports/request', body);
  }

  status(id: number): Promise<ExportStatusDto> {
    return this.json('GET', `/api/exports/${id}/status`);
  }

  /** The export's `text/event-stream` of status messages. */
  async events(id: number, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const response = await this.send('GET', `/api/exports/${id}/events`, undefined, { Accept: 'text/event-stream' }, signal);
    if (!response.body) throw new NetworkError(`The events stream of export ${id} has no body`);
    return response.body;
  }

  /**
   * The file's bytes. A redirect (S3 storage answers with a presigned URL) is followed without the
   * bearer header: the token is for this API, never for the storage behind it.
   */
  async download(id: number): Promise<ReadableStream<Uint8Array>> {
    const response = await this.send('GET', `/api/exports/${id}/download`, undefined, {}, undefined, 'manual');
    const location = response.headers.get('location');
    const file =
      response.status >= 300 && response.status < 400 && location ? await this.fetchOrFail(new URL(location, this.baseUrl)) : response;
    if (!file.ok) throw await apiError(file);
    if (!file.body) throw new NetworkError(`The download of export ${id} has no body`);
    return file.body;
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await (await this.send(method, path, body, { Accept: 'application/json' })).json()) as T;
  }

  private async send(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
    signal?: AbortSignal,
    redirect: 'follow' | 'manual' = 'follow',
  ): Promise<Response> {
    // Appended, not resolved: a server behind a path prefix (https://host/exports) keeps it.
    const response = await this.fetchOrFail(new URL(`${this.baseUrl}${path}`), {
      method,
      redirect,
      signal,
      headers: {
        ...headers,
        Authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok && !(redirect === 'manual' && response.status >= 300 && response.status < 400)) throw await apiError(response);
    return response;
  }

  private async fetchOrFail(url: URL, init?: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (init?.signal?.aborted) throw error;
      throw new NetworkError(
        `Cannot reach ${url.origin}: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`,
      );
    }
  }
}
