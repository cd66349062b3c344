import { Injectable } from '@nestjs/common';
import { CommandRunner, Option } from 'nest-commander';
import { TokenService } from '../../auth/token.service';
import { AppConfig } from '../../config/app-config';
import type { ExportStatusDto } from '../../exports/dto/export-status.dto';
import { EXIT_FAILURE, UsageError } from '../cli-errors';
import { ApiError, ExportsClient } from '../client/exports-client';
import { followExport } from '../client/follow-export';
import { bytes, count } from '../client/human';
import { progressView } from '../client/progress-view';
import { saveDownload } from '../client/save-download';
import type { SavedFile } from '../client/save-download';
import { printJson } from './json-output';

export interface ClientOptions {
  url?: string;
  token?: string;
  user?: string;
  role?: string[];
  json?: boolean;
}

/** How long a token signed for `--user` lives: enough to wait for a long export. */
const SIGNED_TOKEN_TTL = '1h';

/**
 * The verbs that talk to a running server over HTTP, as any API client does (they never open the
 * database, so they work from any machine that reaches the API): the server's address, a bearer
 * token, `--json`, and following an export to its end.
 */
@Injectable()
export abstract class ClientCommand extends CommandRunner {
  constructor(
    private readonly config: AppConfig,
    private readonly tokens: TokenService,
  ) {
    super();
  }

  protected async client(options: ClientOptions): Promise<ExportsClient> {
    const token = options.user
      ? await this.tokens.sign({ userId: options.user, roles: options.role ?? [], ttl: SIGNED_TOKEN_TTL })
      : options.token;
    if (!token)
      throw new UsageError("A token is needed: give --token (or set EXPORTS_TOKEN), or --user to sign one with this machine's JWT key");
    return new ExportsClient(options.url ?? `http://localhost:${this.config.port}`, token);
  }

  /** API refusals of the request itself (400, 422) are usage errors; the rest are failures. */
  protected async call<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof ApiError && (error.status === 400 || error.status === 422)) throw new UsageError(error.message);
      throw error;
    }
  }

  /**
   * Follows the export to its end with a progress view, saves the file into `downloadDir` when
   * asked, and reports: exit 0 when COMPLETED (and saved), 1 otherwise.
   */
  protected async waitFor(client: ExportsClient, id: number, options: ClientOptions, downloadDir?: string): Promise<void> {
    const view = progressView(process.stdout, options.json === true);
    let status: ExportStatusDto | undefined;
    try {
      for await (const update of followExport(client, id)) {
        status = update;
        view.update(update);
      }
    } finally {
      view.stop();
    }
    if (!status) throw new Error(`Export ${id} ended without a status`);
    const saved = status.status === 'COMPLETED' && downloadDir !== undefined ? await saveDownload(client, status, downloadDir) : undefined;
    this.report(status, saved, options);
  }

  protected report(status: ExportStatusDto, saved: SavedFile | undefined, options: ClientOptions): void {
    if (options.json) printJson({ ...status, ...(saved ? { downloaded_to: saved.path } : {}) });
    if (status.status !== 'COMPLETED') {
      if (!options.json) process.stderr.write(`Export ${status.export_id} ${status.status}${status.error ? `: ${status.error}` : ''}\n`);
      process.exitCode = EXIT_FAILURE;
      return;
    }
    if (options.json) return;
    const size = status.file_size === null ? '' : ` (${bytes(status.file_size)})`;
    process.stdout.write(`Export ${status.export_id} COMPLETED: ${count(status.processed_records)} rows, ${status.file_name}${size}\n`);
    if (saved) process.stdout.write(`Saved ${saved.path}\n`);
  }

  @Option({ flags: '--url <url>', description: 'The Exports server (default: http://localhost:$PORT)', env: 'EXPORTS_URL' })
  parseUrl(value: string): string {
    const url = URL.canParse(value) ? new URL(value) : undefined;
    if (!url || !['http:', 'https:'].includes(url.protocol))
      throw new UsageError('--url must be an http(s) URL such as http://localhost:8000');
    return url.origin + url.pathname.replace(/\/+$/, '');
  }

  @Option({ flags: '--token <jwt>', description: 'Bearer token', env: 'EXPORTS_TOKEN' })
  parseToken(value: string): string {
    return value.replace(/^Bearer\s+/i, '').trim();
  }

  @Option({
    flags: '--user <id>',
    description: "Instead of --token: sign a token for this user with this machine's JWT key (as `token` does)",
  })
  parseUser(value: string): string {
    return value;
  }

  @Option({ flags: '--role <role>', description: 'With --user: a role to grant (repeatable), e.g. finance' })
  parseRole(value: string, previous: string[] = []): string[] {
    return [...previous, value];
  }

  @Option({ flags: '--json', description: 'Print the result as JSON on stdout, and nothing else (for scripts)' })
  parseJson(): boolean {
    return true;
  }
}
