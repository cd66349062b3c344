import { serverSentEvents } from '../../web/src/sse';
import type { ServerSentEvent } from '../../web/src/sse';

export interface SseResult {
  status: number;
  contentType: string | undefined;
  events: ServerSentEvent[];
}

/** A Server-Sent Events response being read, with the Export Center's own parser. */
export interface SseStream extends SseResult {
  /** Resolves once an event matching `predicate` has arrived (at once if one has). */
  until(predicate: (event: ServerSentEvent) => boolean): Promise<void>;
  /** Resolves when the server ends the stream (or `close` is called). */
  ended: Promise<void>;
  close(): void;
}

/** Opens a stream and keeps reading it in the background; fails after `timeoutMs`. */
export async function openSse(url: string, headers: Record<string, string> = {}, timeoutMs = 60_000): Promise<SseStream> {
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: { Accept: 'text/event-stream', ...headers },
    signal: AbortSignal.any([abort.signal, AbortSignal.timeout(timeoutMs)]),
  });
  const events: ServerSentEvent[] = [];
  const waiting: { predicate: (event: ServerSentEvent) => boolean; resolve: () => void; reject: (error: Error) => void }[] = [];
  const ended = (async () => {
    if (response.body)
      for await (const event of serverSentEvents(response.body)) {
        events.push(event);
        for (const waiter of waiting.filter((entry) => entry.predicate(event))) waiter.resolve();
      }
  })()
    .catch((error: Error) => {
      if (!abort.signal.aborted) throw error;
    })
    .finally(() => {
      for (const waiter of waiting) waiter.reject(new Error(`the stream ended first; events: ${JSON.stringify(events)}`));
    });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? undefined,
    events,
    ended,
    until: (predicate) =>
      events.some(predicate) ? Promise.resolve() : new Promise((resolve, reject) => waiting.push({ predicate, resolve, reject })),
    close: () => abort.abort(),
  };
}

/** Reads a Server-Sent Events response to its end; fails after `timeoutMs`. */
export async function readSse(url: string, headers: Record<string, string> = {}, timeoutMs = 60_000): Promise<SseResult> {
  const stream = await openSse(url, headers, timeoutMs);
  await stream.ended;
  return { status: stream.status, contentType: stream.contentType, events: stream.events };
}
