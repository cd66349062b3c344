import { Command, CommandRunner } from 'nest-commander';
import { AppConfig } from '../config/app-config';
import { runMigrations } from '../database/migrate';

@Command({ name: 'migrate', description: 'Run pending database migrations' })
export class MigrateCommand extends CommandRunner {
  constructor(private readonly config: AppConfig) {
    super();
  }

  async run(): Promise<void> {
    const applied = await runMigrations(this.config.database);
    process.stdout.write(applied.length > 0 ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date\n');
  }
}
