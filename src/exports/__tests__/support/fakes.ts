import { Readable, Writable } from 'node:stream';
import type { ExportAuditService } from '../../audit/export-audit.service';
import { ExportEvent } from '../../audit/export-event.entity';
import type { ExportEventName } from '../../audit/export-event.entity';
import { ExportQueue } from '../../jobs/export-queue';
import type { ExportEventListener } from '../../ports/export-events';
import type { ExportQueryPlan, ExportQueryPlanner } from '../../query/export-query.planner';
import { RowSourceFactory } from '../../rows/row-source';
import type { RowSource } from '../../rows/row-source';
import { ExportStorage } from '../../storage/export-storage';
import type { PartialFile, PendingFile, StoredFile } from '../../storage/export-storage';
import type { WorkerRegistry } from '../../workers/worker-registry.service';
import type { ExportRow } from '../../writers/export-writer';
import type { ExportMetrics } from '../../../metrics/export-metrics.service';

/** Remembers every export handed to workers; `unavailable` makes it refuse like a queue whose Redis is down. */
export class FakeExportQueue extends ExportQueue {
  readonly enqueued: number[] = [];
  unavailable = false;

  async enqueue(exportId: number): Promise<void> {
    if (this.unavailable) throw new Error('Connection is closed.');
    this.enqueued.push(exportId);
  }

  async isQueued(exportId: number): Promise<boolean> {
    return this.enqueued.includes(exportId);
  }

  async counts(): Promise<Record<string, number>> {
    return { waiting: this.enqueued.length };
  }
}

/** Files in memory: a committed file is readable under its key, a discarded one is gone and remembered. */
export class FakeExportStorage extends ExportStorage {
  readonly files = new Map<string, Buffer>();
  readonly created: string[] = [];
  readonly discarded: string[] = [];

  async create(key: string): Promise<PendingFile> {
    this.created.push(key);
    const chunks: Buffer[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    return {
      stream,
      commit: async () => {
        const bytes = Buffer.concat(chunks);
        this.files.set(key, bytes);
        return bytes.length;
      },
      discard: async () => {
        stream.destroy();
        this.files.delete(key);
        if (!this.discarded.includes(key)) this.discarded.push(key);
      },
    };
  }

  async open(key: string): Promise<StoredFile | undefined> {
    const bytes = this.files.get(key);
    return bytes && { stream: Readable.from([bytes]), size: bytes.length };
  }

  async remove(key: string): Promise<void> {
    this.files.delete(key);
  }

  async *partialFiles(): AsyncIterable<PartialFile> {}

  text(key: string): string {
    return (this.files.get(key) ?? Buffer.alloc(0)).toString('utf8');
  }
}

/** The audit trail as a list, newest last. */
export class FakeExportAudit implements Pick<ExportAuditService, 'record' | 'forExport'> {
  readonly events: { exportId: number; event: ExportEventName; userId: string | null; detail?: string }[] = [];

  async record(exportId: number, event: ExportEventName, userId: string | null, detail?: string): Promise<void> {
    this.events.push({ exportId, event, userId, detail });
  }

  async forExport(exportId: number): Promise<ExportEvent[]> {
    return this.events
      .filter((entry) => entry.exportId === exportId)
      .map((entry, index) =>
        Object.assign(new ExportEvent(), {
          id: index + 1,
          export_id: entry.exportId,
          event: entry.event,
          user_id: entry.userId,
          detail: entry.detail ?? null,
          created_at: new Date(),
        }),
      );
  }

  of(exportId: number): ExportEventName[] {
    return this.events.filter((entry) => entry.exportId === exportId).map((entry) => entry.event);
  }
}

/** Plans carry no SQL here; `matching` is what a count of any plan answers. */
export class FakeExportPlanner implements Pick<ExportQueryPlanner, 'plan' | 'count'> {
  matching = 0;
  readonly counted: ExportQueryPlan[] = [];

  plan(...[, , columns]: Parameters<ExportQueryPlanner['plan']>): ExportQueryPlan {
    return { columns, select: { sql: 'SELECT rows', params: [] }, count: { sql: 'SELECT COUNT(*)', params: [] } };
  }

  async count(plan: ExportQueryPlan): Promise<number> {
    this.counted.push(plan);
    return this.matching;
  }
}

/**
 * Every source yields `rows` in batches of `batchSize`; with `failAfterBatches` set, it throws
 * `failure` once that many batches were read (a lost database connection mid-export, say).
 */
export class FakeRowSources extends RowSourceFactory {
  rows: ExportRow[] = [];
  batchSize = 2;
  failAfterBatches?: number;
  failure: Error = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  /** Runs after each batch was handed out: something else happening mid-export. */
  afterBatch?: (batch: number) => void;
  opened = 0;
  closed = 0;

  async open(): Promise<RowSource> {
    this.opened++;
    const { rows, batchSize, failAfterBatches, failure, afterBatch } = this;
    return {
      snapshotAt: new Date(),
      count: async () => rows.length,
      batches: async function* () {
        for (let start = 0, read = 0; start < rows.length; start += batchSize, read++) {
          if (read === failAfterBatches) throw failure;
          yield rows.slice(start, start + batchSize);
          afterBatch?.(read);
        }
      },
      close: async () => {
        this.closed++;
      },
    };
  }
}

/** Which exports' outcomes the engine announced, in order (what notifications would hear). */
export class FinishedExports implements ExportEventListener {
  readonly announced: number[] = [];

  async finished(exportId: number): Promise<void> {
    this.announced.push(exportId);
  }
}

/** How many attempts run in this process right now. */
export class FakeWorkerRegistry implements Pick<WorkerRegistry, 'jobStarted' | 'jobEnded'> {
  running = 0;

  jobStarted(): void {
    this.running++;
  }

  jobEnded(): void {
    this.running--;
  }
}

export class FakeExportMetrics implements Pick<ExportMetrics, 'observe'> {
  readonly observed: { type: string; format: string; outcome: string; records?: number }[] = [];

  observe(type: string, format: string, outcome: 'completed' | 'failed' | 'retrying', _seconds: number, records?: number): void {
    this.observed.push({ type, format, outcome, records });
  }
}
