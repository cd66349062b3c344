import type { Request, Response } from 'express';
import type { ExportStatusDto } from '../exports/dto/export-status.dto';
import { FINAL_STATUSES } from '../exports/export-job.entity';

export interface StatusStreamSource {
  /** Calls back (never synchronously) with the export's status, soon and after each change; returns the function that stops. */
  watch(onStatus: (status: ExportStatusDto) => void): () => void;
  /** When the token the stream was opened with expires: the stream ends then. */
  endsAt?: Date;
  /** Called once, when the stream has ended for whatever reason. */
  onEnd(): void;
}

/** Comment lines keep proxies from closing an idle stream. */
const KEEP_ALIVE_MS = 15_000;
const CLIENT_RETRY_MS = 3000;
/** setTimeout fires at once past 2^31-1 ms (~24.8 days); a stream that old ends then, and its client reconnects. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const EXPIRED_EVENT = `event: expired\ndata: ${JSON.stringify({ message: 'The token of this stream has expired; open it again with a new one' })}\n\n`;

/**
 * Streams an export's status as Server-Sent Events: the current status at once, then one `status`
 * event per change, and the end of the stream after a final status, or with an `expired` event
 * when its token expires.
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
  let closed = false;

  const close = (): void => {
    if (closed) return;
    closed = true;
    stopWatching();
    clearInterval(keepAlive);
    clearTimeout(expiry);
    res.end();
    source.onEnd();
  };

  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
  const expiry =
    source.endsAt &&
    setTimeout(
      () => {
        if (!closed) res.write(EXPIRED_EVENT);
        close();
      },
      Math.min(Math.max(0, source.endsAt.getTime() - Date.now()), MAX_TIMER_MS),
    );
  req.on('close', close);
  const stopWatching = source.watch((status) => {
    if (closed) return;
    const data = JSON.stringify(status);
    if (data !== last) {
      last = data;
      res.write(`id: ${++sequence}\nevent: status\ndata: ${data}\n\n`);
    }
    if (FINAL_STATUSES.includes(status.status)) close();
  });
}
