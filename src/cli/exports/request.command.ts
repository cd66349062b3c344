import { Option, SubCommand } from 'nest-commander';
import { UsageError } from '../cli-errors';
import type { ExportRequestBody } from '../client/exports-client';
import { ClientCommand } from './client-command';
import type { ClientOptions } from './client-command';
import { printJson } from './json-output';

interface RequestOptions extends ClientOptions {
  type: string;
  format: string;
  filter?: Record<string, string | string[]>;
  columns?: string[];
  compression?: string;
  wait?: boolean;
  download?: string;
}

@SubCommand({
  name: 'request',
  description: 'Request an export: print its id, or follow it with --wait (HTTP)',
})
export class RequestExportCommand extends ClientCommand {
  async run(_args: string[], options: RequestOptions): Promise<void> {
    const client = await this.client(options);
    const body: ExportRequestBody = {
      export_type: options.type,
      format: options.format,
      ...(options.filter ? { filters: options.filter } : {}),
      ...(options.columns ? { columns: options.columns } : {}),
      ...(options.compression ? { compression: options.compression } : {}),
    };
    const accepted = await this.call(() => client.request(body));
    if (options.wait || options.download !== undefined) return this.waitFor(client, accepted.export_id, options, options.download);
    if (options.json) printJson(accepted);
    else process.stdout.write(`${accepted.export_id}\n`);
  }

  @Option({ flags: '--type <type>', description: 'EZPASS, PVB, CURB, LEDGER_POSTINGS or LEDGER_BALANCES', required: true })
  parseType(value: string): string {
    return value.toUpperCase();
  }

  @Option({ flags: '--format <format>', description: 'excel, csv, json, ndjson or pdf', required: true })
  parseFormat(value: string): string {
    return value.toLowerCase();
  }

  @Option({
    flags: '--filter <key=value>',
    description: 'A filter (repeatable), e.g. from_posting_date=2024-01-01 or entry_plaza=GWB,Lincoln',
  })
  parseFilter(value: string, previous: Record<string, string | string[]> = {}): Record<string, string | string[]> {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value);
    if (!match) throw new UsageError(`--filter must look like key=value, e.g. from_posting_date=2024-01-01 (got "${value}")`);
    const [, key, text] = match;
    const earlier = previous[key];
    return { ...previous, [key]: earlier === undefined ? text : [...(Array.isArray(earlier) ? earlier : [earlier]), text] };
  }

  @Option({ flags: '--columns <keys>', description: 'Columns to write, in order, comma-separated' })
  parseColumns(value: string): string[] {
    const columns = value
      .split(',')
      .map((key) => key.trim())
      .filter(Boolean);
    if (columns.length === 0) throw new UsageError('--columns must name at least one column');
    return columns;
  }

  @Option({ flags: '--compression <kind>', description: 'gzip or zip (csv, json and ndjson)' })
  parseCompression(value: string): string {
    return value.toLowerCase();
  }

  @Option({ flags: '--wait', description: 'Follow the export with a progress bar until it ends; exit 1 unless COMPLETED' })
  parseWait(): boolean {
    return true;
  }

  @Option({ flags: '--download <dir>', description: 'Wait, then save the file into this folder' })
  parseDownload(value: string): string {
    return value;
  }
}
