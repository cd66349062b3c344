import type { Request, Response } from 'express';
import type { ExportStatusDto } from '../dto/export-status.dto';
import { FINAL_STATUSES } from '../export-job.entity';

export interface StatusStreamSource {
  load(): Promise<ExportStatusDto>;
  /** Calls back on every change notice; returns the unsubscribe function. */
  subscribe(onChange: () => void): () => void;
}

/** A change notice can be lost (Redis restart); this poll bounds how late an event can be. */
const FALLBACK_POLL_MS = 5000;
/** Comment lines keep proxies from closing an idle stream. */
const KEEP_ALIVE_MS = 15_000;
const CLIENT_RETRY_MS = 3000;

/**
 * Streams an export's status as Server-Sent Events: the current status at once, then one `status`
 * event per change, and the end of the stream after a final status.
 */
export function streamStatus(req: Request, res: Response, source: StatusStreamSource): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write(`retry: ${CLIENT_RETRY_MS}\n\n`);

  let last = '';
  let sequence = 0;
  let busy = false;
  let again = false;
  let closed = false;

  const close = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(poll);
    clearInterval(keepAlive);
    res.end();
  };

  const send = async (): Promise<void> => {
    if (closed) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      const status = await source.load();
      const data = JSON.stringify(status);
      if (data !== last && !closed) {
        last = data;
        res.write(`id: ${++sequence}\nevent: status\ndata: ${data}\n\n`);
      }
      if (FINAL_STATUSES.includes(status.status)) close();
    } catch {
      // The next notice or poll tries again; an export that vanished simply stops changing.
    } finally {
      busy = false;
    }
    if (again) {
      again = false;
      await send();
    }
  };

  const unsubscribe = source.subscribe(() => void send());
  const poll = setInterval(() => void send(), FALLBACK_POLL_MS);
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
  req.on('close', close);
  void send();
}
