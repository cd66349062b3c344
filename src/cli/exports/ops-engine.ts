import { Injectable } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from '../../config/app-config';
import { runMigrations } from '../../database/migrate';
import type { ExportOpsService } from '../../exports/jobs/export-ops.service';
import { OpsError } from '../../exports/jobs/ops.error';
import { CliFailure } from '../cli-errors';

/**
 * The database and the export engine, started only by the operator verbs that need them (and loaded
 * only then), so the CLI's help, its token and client verbs start without a database.
 */
@Injectable()
export class OpsEngine {
  constructor(private readonly config: AppConfig) {}

  /** Migrates, boots the engine, runs `work` with the operator service and closes it; a refused action is a CliFailure. */
  async run<T>(work: (ops: ExportOpsService) => Promise<T>): Promise<T> {
    await runMigrations(this.config.database);
    const [{ OpsEngineModule }, { ExportOpsService }] = await Promise.all([
      import('./ops-engine.module'),
      import('../../exports/jobs/export-ops.service'),
    ]);
    const app = await NestFactory.createApplicationContext(OpsEngineModule.forRoot(this.config), { logger: ['error'] });
    try {
      return await work(app.get(ExportOpsService));
    } catch (error) {
      throw error instanceof OpsError ? new CliFailure(error.message) : error;
    } finally {
      await app.close();
    }
  }
}
