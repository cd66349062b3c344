import { ApiError } from './api.js';
import type { ExportsApi } from './api.js';
import { serverSentEvents } from './sse.js';
import { isFinal } from './types.js';
import type { ExportStatus } from './types.js';

const POLL_MS = 1000;
/** While the stream is down, poll this many times before trying it again. */
const POLLS_BEFORE_RECONNECT = 5;

export interface WatchCallbacks {
  status(status: ExportStatus): void;
  /** The export cannot be followed any more (gone, or the sign-in expired). */
  error(error: ApiError): void;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * Follows one export until its status is final: the server's event stream while it holds, polling
 * GET /status when it drops or is unavailable, then the stream again.
 */
export class ExportWatcher {
  private readonly abort = new AbortController();

  constructor(
    private readonly api: ExportsApi,
    readonly exportId: number,
    private readonly callbacks: WatchCallbacks,
  ) {
    void this.run();
  }

  stop(): void {
    this.abort.abort();
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    try {
      while (!this.stopped) {
        if (await this.followStream()) return;
        for (let poll = 0; poll < POLLS_BEFORE_RECONNECT && !this.stopped; poll++) {
          if (await this.poll()) return;
          await sleep(POLL_MS, this.abort.signal);
        }
      }
    } catch (error) {
      if (error instanceof ApiError && !this.stopped) this.callbacks.error(error);
    }
  }

  /** True once a final status was seen; false when the stream could not be opened or dropped. */
  private async followStream(): Promise<boolean> {
    try {
      const response = await this.api.events(this.exportId, this.abort.signal);
      if (!response.body) return false;
      for await (const message of serverSentEvents(response.body)) {
        if (message.event !== 'status') continue;
        if (this.deliver(JSON.parse(message.data) as ExportStatus)) return true;
      }
      return false;
    } catch {
      return this.stopped;
    }
  }

  /** True once final; ApiErrors (401, 404) end the watch through `run`, network errors are retried. */
  private async poll(): Promise<boolean> {
    try {
      return this.deliver(await this.api.status(this.exportId, this.abort.signal));
    } catch (error) {
      if (error instanceof ApiError) throw error;
      return this.stopped;
    }
  }

  private deliver(status: ExportStatus): boolean {
    if (this.stopped) return true;
    this.callbacks.status(status);
    return isFinal(status.status);
  }
}
