import type { ExportQueryPlan } from '../query/export-query.planner';
import type { ExportRow } from '../writers/export-writer';

/** An open, consistent read of one export's rows (one snapshot for the count and the rows). */
export interface RowSource {
  /** When the snapshot was taken, by the clock of the server read from. */
  readonly snapshotAt: Date;
  count(): Promise<number>;
  /** Batches of canonical rows (see `ExportRow`), in the plan's order. */
  batches(): AsyncIterable<ExportRow[]>;
  close(): Promise<void>;
}

export abstract class RowSourceFactory {
  abstract open(plan: ExportQueryPlan): Promise<RowSource>;
}

export const ROW_BATCH_SIZE = 1000;
