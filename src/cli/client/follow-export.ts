import { setTimeout as sleep } from 'node:timers/promises';
import { serverSentEvents } from '../../../web/src/sse';
import type { ExportStatusDto } from '../../exports/dto/export-status.dto';
import { FINAL_STATUSES } from '../../exports/export-job.entity';
import { ApiError, NetworkError } from './exports-client';
import type { ExportsClient } from './exports-client';

export const isFinal = (status: ExportStatusDto): boolean => FINAL_STATUSES.includes(status.status);

export interface FollowOptions {
  /** Between status polls while the event stream is down. */
  pollMs?: number;
  /** Consecutive unanswered polls before giving up (the server is gone). */
  maxNetworkFailures?: number;
}

/** Opens the stream; undefined when it cannot be had right now (refused, or the server restarting). */
async function openEvents(client: ExportsClient, id: number, signal: AbortSignal): Promise<ReadableStream<Uint8Array> | undefined> {
  try {
    return await client.events(id, signal);
  } catch (error) {
    // Gone or not allowed: polling would say the same.
    if (error instanceof ApiError && (error.status === 401 || error.status === 403 || error.status === 404)) throw error;
    return undefined;
  }
}

/**
 * The statuses of one export as they change, until it is final: from the server's event stream while
 * it holds, from polling GET /status while it is down or refused, then from the stream again.
 */
export async function* followExport(
  client: ExportsClient,
  id: number,
  { pollMs = 1000, maxNetworkFailures = 30 }: FollowOptions = {},
): AsyncGenerator<ExportStatusDto> {
  let failures = 0;
  for (;;) {
    const abort = new AbortController();
    try {
      const events = await openEvents(client, id, abort.signal);
      if (events) {
        for await (const message of serverSentEvents(events)) {
          if (message.event !== 'status') continue;
          const status = JSON.parse(message.data) as ExportStatusDto;
          failures = 0;
          yield status;
          if (isFinal(status)) return;
        }
      }
    } catch (error) {
      if (error instanceof ApiError) throw error;
      // The stream broke off: poll below.
    } finally {
      abort.abort();
    }
    try {
      const status = await client.status(id);
      failures = 0;
      yield status;
      if (isFinal(status)) return;
    } catch (error) {
      if (!(error instanceof NetworkError) || ++failures >= maxNetworkFailures) throw error;
    }
    await sleep(pollMs);
  }
}
