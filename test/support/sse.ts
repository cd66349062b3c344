import { get } from 'node:http';

export interface SseEvent {
  event: string;
  data: string;
}

export interface SseResult {
  status: number;
  contentType: string | undefined;
  events: SseEvent[];
}

/**
 * Reads a Server-Sent Events response to its end (or until `timeoutMs`), parsing it the way
 * EventSource does: `field: value` lines, a blank line ends an event, `:` lines are comments.
 */
export function readSse(url: string, headers: Record<string, string> = {}, timeoutMs = 60_000): Promise<SseResult> {
  return new Promise((resolve, reject) => {
    const request = get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (response) => {
      const events: SseEvent[] = [];
      let buffer = '';
      let current: SseEvent = { event: 'message', data: '' };
      const timer = setTimeout(() => {
        request.destroy();
        reject(new Error(`SSE stream still open after ${timeoutMs} ms; ${events.length} events so far`));
      }, timeoutMs);
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, '');
          buffer = buffer.slice(newline + 1);
          if (line === '') {
            if (current.data !== '') events.push(current);
            current = { event: 'message', data: '' };
          } else if (!line.startsWith(':')) {
            const [field, ...rest] = line.split(':');
            const value = rest.join(':').replace(/^ /, '');
            if (field === 'event') current.event = value;
            if (field === 'data') current.data = current.data ? `${current.data}\n${value}` : value;
          }
        }
      });
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'], events });
      });
    });
    request.on('error', reject);
  });
}
