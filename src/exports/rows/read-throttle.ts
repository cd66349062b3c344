import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import type { LoadLimit } from '../../config/app-config';
import { ROW_BATCH_SIZE } from './row-source';
import { ServerLoadProbe } from './server-load.probe';
import type { LoadReading } from './server-load.probe';

/** How often a paused read looks at the server's load again. */
export const THROTTLE_CHECK_MS = 1000;
/** A read that fell behind its rate (a pause, a slow writer) may catch up by at most this much at full speed. */
const RATE_CATCH_UP_MS = 1000;

export interface ThrottleClock {
  now(): number;
  sleep(ms: number): Promise<unknown>;
}

const SYSTEM_CLOCK: ThrottleClock = { now: () => Date.now(), sleep: (ms) => sleep(ms) };

export interface ReadThrottleOptions {
  /** Rows a second at most; undefined: no cap. */
  maxRowsPerSecond?: number;
  /** Reading pauses while any of these is over its limit. */
  loadLimits: readonly LoadLimit[];
  readLoad(): Promise<LoadReading>;
  checkMs: number;
  clock: ThrottleClock;
  /** Told when the read pauses (with why) or goes on (null); once per change, not per batch. */
  onChange(reason: string | null): Promise<unknown>;
  /** The attempt is over (claim lost, cancelled): a pause ends so the caller can notice. */
  stopped(): boolean;
}

/**
 * Paces one export's read the way gh-ost and pt-online-schema-change do: between batches it waits
 * while the server is busy (global status over EXPORT_MAX_DB_LOAD) and sleeps so that rows read
 * stay within EXPORT_MAX_ROWS_PER_SECOND. Nothing is read while it waits; the snapshot stays open.
 */
export class ReadThrottle {
  private reason: string | null = null;
  /** When the next batch may be handed on under the rate cap. */
  private due = 0;

  constructor(private readonly options: ReadThrottleOptions) {}

  /** The batches, handed on at most as fast as allowed; under a rate cap no batch is bigger than a second's rows. */
  async *paced<T>(batches: AsyncIterable<T[]>): AsyncGenerator<T[]> {
    const size = Math.min(ROW_BATCH_SIZE, this.options.maxRowsPerSecond ?? ROW_BATCH_SIZE);
    this.due = this.options.clock.now();
    for await (const batch of batches) {
      for (let start = 0; start < batch.length; start += size) {
        const slice = batch.length <= size ? batch : batch.slice(start, start + size);
        yield slice;
        this.account(slice.length);
        await this.gate();
      }
    }
  }

  private account(rows: number): void {
    const rate = this.options.maxRowsPerSecond;
    if (rate === undefined) return;
    this.due = Math.max(this.due, this.options.clock.now() - RATE_CATCH_UP_MS) + (rows * 1000) / rate;
  }

  /** Returns when the next batch may be read. */
  private async gate(): Promise<void> {
    const { clock, maxRowsPerSecond } = this.options;
    for (;;) {
      const overload = await this.overload();
      const rateWait = maxRowsPerSecond === undefined ? 0 : this.due - clock.now();
      const reason = overload ?? (rateWait > 0 ? `rate capped at ${maxRowsPerSecond} rows/s` : null);
      if (reason !== this.reason) {
        this.reason = reason;
        await this.options.onChange(reason);
      }
      if (reason === null || this.options.stopped()) return;
      if (!overload) {
        await clock.sleep(rateWait);
        return;
      }
      await clock.sleep(this.options.checkMs);
    }
  }

  /** Why the server is too busy to read from ("Threads_running 23 > 16"), or null. */
  private async overload(): Promise<string | null> {
    if (this.options.loadLimits.length === 0) return null;
    const reading = await this.options.readLoad();
    for (const { variable, max } of this.options.loadLimits) {
      const value = reading.get(variable.toLowerCase());
      if (value !== undefined && value > max) return `${variable} ${value} > ${max}`;
    }
    return null;
  }
}

/** One ReadThrottle per export attempt, from EXPORT_MAX_DB_LOAD and EXPORT_MAX_ROWS_PER_SECOND. */
@Injectable()
export class ReadThrottleFactory {
  constructor(
    private readonly config: AppConfig,
    private readonly probe: ServerLoadProbe,
  ) {}

  create(hooks: Pick<ReadThrottleOptions, 'onChange' | 'stopped'>): ReadThrottle {
    return new ReadThrottle({
      maxRowsPerSecond: this.config.exportMaxRowsPerSecond,
      loadLimits: this.config.exportMaxDbLoad,
      readLoad: () => this.probe.read(),
      checkMs: THROTTLE_CHECK_MS,
      clock: SYSTEM_CLOCK,
      ...hooks,
    });
  }
}
