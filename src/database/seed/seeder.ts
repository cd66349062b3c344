/**
 * Fills the database with realistic, reproducible demo data from every domain module's seed
 * contribution, in the order of the domain list: reference data, source rows, derived data.
 * The same seed and end date on an empty database give identical tables; later runs append.
 */
import type { Type } from '@nestjs/common';
import type { DatabaseConfig } from '../../config/app-config';
import { DOMAIN_MODULES } from '../../domains';
import { domainSeeds } from '../domain-module';
import type { DomainSeed, SeedRun } from './domain-seed';
import { seedCalendar } from './seed-random';
import { openSeedTarget } from './seed-target';

export interface SeedOptions {
  /** Rows to add to each source table. */
  rows: number;
  /** Only this export type's source rows (reference and derived data are always written). */
  type?: string;
  seed?: number;
  /** The last day of demo data, YYYY-MM-DD; today (UTC) by default. */
  until?: string;
  /** The domain modules to seed; every one by default. */
  domains?: readonly Type[];
  onProgress?: (table: string, done: number, total: number) => void;
}

/** Rows written per table (derived tables: the rows they hold after the rebuild). */
export type SeedSummary = Record<string, number>;

export const DEFAULT_SEED = 1;

/** The export types `--type` can name: those whose source rows some domain seeds. */
export function seedableTypes(domains: readonly Type[] = DOMAIN_MODULES): string[] {
  return domainSeeds(domains).flatMap((seed) => seed.types ?? []);
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export async function seedDatabase(database: DatabaseConfig, options: SeedOptions): Promise<SeedSummary> {
  const { rows, type, seed = DEFAULT_SEED, until = today(), domains = DOMAIN_MODULES, onProgress } = options;
  if (!Number.isSafeInteger(rows) || rows < 0) throw new RangeError(`rows must be a non-negative integer, got ${rows}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const types = seedableTypes(domains);
  if (type !== undefined && !types.includes(type)) throw new RangeError(`type must be one of ${types.join(', ')}, got ${type}`);
  const calendar = seedCalendar(until);
  const selected = (contribution: DomainSeed) => type === undefined || !contribution.types || contribution.types.includes(type);

  const target = await openSeedTarget(database);
  try {
    const run: SeedRun = { target, rows, seed, calendar, report: onProgress ?? (() => undefined) };
    const summary: SeedSummary = {};
    for (const contribution of domainSeeds(domains).filter(selected)) Object.assign(summary, await contribution.run(run));
    return summary;
  } finally {
    await target.close();
  }
}
