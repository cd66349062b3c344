import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { ReadServer } from './read-server';

/** How long one reading of the server's status serves every export of this process. */
export const LOAD_READING_MS = 1000;

/** Global status variables by lower-case name. */
export type LoadReading = ReadonlyMap<string, number>;

/**
 * The read server's EXPORT_MAX_DB_LOAD variables (SHOW GLOBAL STATUS), read at most once a
 * LOAD_READING_MS by this process however many exports ask: the check must not become load itself.
 */
@Injectable()
export class ServerLoadProbe {
  private readonly logger = new Logger(ServerLoadProbe.name);
  private reading?: Promise<LoadReading>;
  private readAt = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly server: ReadServer,
  ) {}

  read(): Promise<LoadReading> {
    if (!this.reading || Date.now() - this.readAt >= LOAD_READING_MS) {
      this.readAt = Date.now();
      this.reading = this.fetch();
    }
    return this.reading;
  }

  private async fetch(): Promise<LoadReading> {
    const names = this.config.exportMaxDbLoad.map((limit) => limit.variable);
    try {
      const rows = await this.server.query<{ Variable_name: string; Value: string }>(
        `SHOW GLOBAL STATUS WHERE Variable_name IN (${names.map(() => '?').join(', ')})`,
        names,
      );
      return new Map(rows.map((row) => [row.Variable_name.toLowerCase(), Number(row.Value)]));
    } catch (error) {
      // A probe that fails must not fail exports: they read on, unthrottled, until it answers again.
      this.logger.warn(`Could not read the database's load: ${(error as Error).message}`);
      return new Map();
    }
  }
}
