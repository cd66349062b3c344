import { Command, CommandRunner, Option } from 'nest-commander';
import { AppConfig } from '../config/app-config';
import { runMigrations } from '../database/migrate';
import { seedableTypes, seedDatabase } from '../database/seed/seeder';
import { seedCalendar } from '../database/seed/seed-random';

interface SeedOptions {
  rows: number;
  type?: string;
  seed: number;
  until?: string;
}

/** A progress bar on a terminal (stderr), silence otherwise. */
function progressBar(): (table: string, done: number, total: number) => void {
  if (!process.stderr.isTTY) return () => undefined;
  let last = 0;
  return (table, done, total) => {
    const now = Date.now();
    if (now - last < 100 && done < total) return;
    last = now;
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    process.stderr.write(`\r${table.padEnd(22)} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}`);
    if (done >= total) process.stderr.write('\n');
  };
}

@Command({ name: 'seed', description: 'Insert realistic, deterministic demo data' })
export class SeedCommand extends CommandRunner {
  constructor(private readonly config: AppConfig) {
    super();
  }

  async run(_args: string[], options: SeedOptions): Promise<void> {
    await runMigrations(this.config.database);
    const started = Date.now();
    const summary = await seedDatabase(this.config.database, {
      rows: options.rows,
      type: options.type,
      seed: options.seed,
      until: options.until,
      onProgress: progressBar(),
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const counts = Object.entries(summary)
      .map(([table, rows]) => `${table}: ${rows}`)
      .join(', ');
    process.stdout.write(`Seeded in ${seconds} s (${counts})\n`);
  }

  @Option({ flags: '--rows <n>', description: 'Rows per source table', required: true })
  parseRows(value: string): number {
    if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw new Error('--rows must be a positive whole number');
    return Number(value);
  }

  @Option({ flags: '--type <type>', description: `Only this type's source rows: ${seedableTypes().join(', ')}` })
  parseType(value: string): string {
    const type = value.toUpperCase();
    if (!seedableTypes().includes(type)) throw new Error(`--type must be one of ${seedableTypes().join(', ')}`);
    return type;
  }

  @Option({ flags: '--until <date>', description: 'Last day of demo data, YYYY-MM-DD (default: today)' })
  parseUntil(value: string): string {
    return seedCalendar(value).until;
  }

  @Option({ flags: '--seed <n>', description: 'Random seed (same seed, same rows)', defaultValue: 42 })
  parseSeed(value: string): number {
    if (!/^\d{1,9}$/.test(value)) throw new Error('--seed must be a whole number');
    return Number(value);
  }
}
