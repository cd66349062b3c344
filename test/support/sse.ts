import { serverSentEvents } from '../../web/src/sse';
import type { ServerSentEvent } from '../../web/src/sse';

export interface SseResult {
  status: number;
  contentType: string | undefined;
  events: ServerSentEvent[];
}

/** Reads a Server-Sent Events response to its end with the Export Center's own parser; fails after `timeoutMs`. */
export async function readSse(url: string, headers: Record<string, string> = {}, timeoutMs = 60_000): Promise<SseResult> {
  const response = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: AbortSignal.timeout(timeoutMs) });
  const events: ServerSentEvent[] = [];
  if (response.body) for await (const event of serverSentEvents(response.body)) events.push(event);
  return { status: response.status, contentType: response.headers.get('content-type') ?? undefined, events };
}
