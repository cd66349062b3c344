import type { SeedCalendar } from './seed-random';
import type { SeedTarget } from './seed-target';

/** One `cli seed` run, as a domain's seed contribution sees it. */
export interface SeedRun {
  readonly target: SeedTarget;
  /** Rows to add to each source table. */
  readonly rows: number;
  readonly seed: number;
  readonly calendar: SeedCalendar;
  report(table: string, done: number, total: number): void;
}

/** A domain's demo data. */
export interface DomainSeed {
  /**
   * The export types whose source rows it writes, for `--type`; reference data (written first) and
   * derived data (rebuilt from the sources) name none and run on every seed.
   */
  readonly types?: readonly string[];
  /** Writes its rows; returns how many rows each of its tables received (or holds, when rebuilt). */
  run(run: SeedRun): Promise<Record<string, number>>;
}
