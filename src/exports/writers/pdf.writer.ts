import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Injectable, Logger } from '@nestjs/common';
import type { NormalizedFilters } from '../query/export-filters';
import type { ExportColumn } from '../query/export-query.provider';
import { ExportFormatWriter } from './export-writer';
import type { ExportRow, ExportWriteContext, ExportWriter } from './export-writer';
import type { PdfRenderDone, PdfRenderRequest } from './pdf-render.child';

const MAX_RECORDS = 10_000;
/** pdfmake needs ~55 KB a row: 10,000 rows fit with room to spare; a runaway child dies, not the worker. */
const CHILD_HEAP_MB = 768;
const MAX_FILTER_VALUES_SHOWN = 10;
const STDERR_TAIL = 2000;

const CHILD_SCRIPT = 'pdf-render.child.js';
/** The child's extra pipe for the PDF bytes (0-2 are stdio, 3 is IPC). */
const PDF_OUTPUT_FD = 4;

/**
 * The compiled child script beside this file. Under jest this file is TypeScript and a .ts child
 * cannot be forked, so it falls back to the build output (the test run builds dist/ first).
 */
function childScript(): string {
  const candidates = [join(__dirname, CHILD_SCRIPT), join(__dirname, '..', '..', '..', 'dist', 'src', 'exports', 'writers', CHILD_SCRIPT)];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`PDF renderer script not found (looked for ${candidates.join(', ')}); run npm run build`);
  return found;
}

function label(name: string, columns: readonly ExportColumn[]): string {
  const header = columns.find((column) => column.key === name)?.header;
  if (header) return header;
  const words = name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `{ from_posting_date, to_posting_date, plate_number }` → 'Posting Date 2024-01-01 to 2024-01-31; Plate: A, B'. */
export function describeFilters(filters: NormalizedFilters, columns: readonly ExportColumn[]): string {
  const parts: string[] = [];
  const seen = new Set<string>();
  for (const [key, value] of Object.entries(filters)) {
    const range = /^(from|to)_(.+)$/.exec(key);
    if (range && typeof value === 'string') {
      const name = range[2];
      if (seen.has(name)) continue;
      seen.add(name);
      const from = filters[`from_${name}`];
      const to = filters[`to_${name}`];
      const bounds =
        typeof from === 'string' && typeof to === 'string'
          ? `${from} to ${to}`
          : typeof from === 'string'
            ? `from ${from}`
            : `up to ${String(to)}`;
      parts.push(`${label(name, columns)} ${bounds}`);
    } else {
      const values = Array.isArray(value) ? value : [value];
      const shown = values.slice(0, MAX_FILTER_VALUES_SHOWN).join(', ');
      const more = values.length > MAX_FILTER_VALUES_SHOWN ? ` and ${values.length - MAX_FILTER_VALUES_SHOWN} more` : '';
      parts.push(`${label(key, columns)}: ${shown}${more}`);
    }
  }
  return parts.length > 0 ? parts.join('; ') : 'none';
}

function isDone(message: unknown): message is PdfRenderDone {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'done';
}

class PdfRowWriter implements ExportWriter {
  private readonly child: ChildProcess;
  private readonly pdf: Readable;
  /** Rejects on the first failure of the child or the output; never resolves. */
  private readonly failed: Promise<never>;
  /** Resolves once the child has written the whole PDF and exited cleanly. */
  private readonly rendered: Promise<PdfRenderDone | undefined>;
  private readonly started = Date.now();
  private stderr = '';
  private rows = 0;
  private ending = false;
  private aborted = false;

  constructor(
    private readonly out: Writable,
    context: ExportWriteContext,
    private readonly logger: Logger,
  ) {
    // The PDF comes back on its own pipe (fd 4); stdout is ignored so stray logging cannot corrupt it.
    this.child = fork(childScript(), [String(PDF_OUTPUT_FD)], {
      execArgv: [`--max-old-space-size=${CHILD_HEAP_MB}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc', 'pipe'],
    });
    const pdf = this.child.stdio[PDF_OUTPUT_FD];
    if (!(pdf instanceof Readable)) {
      this.child.kill('SIGKILL');
      throw new Error('PDF renderer output pipe is missing');
    }
    this.pdf = pdf;
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL);
    });

    let done: PdfRenderDone | undefined;
    this.child.on('message', (message: unknown) => {
      if (isDone(message)) done = message;
    });
    const exited = new Promise<number | null>((resolve, reject) => {
      this.child.once('error', (error) => reject(new Error(`PDF renderer failed to start: ${error.message}`)));
      this.child.once('exit', (code, signal) => {
        if (code === 0 && this.ending) resolve(code);
        else reject(this.crashError(code, signal));
      });
    });
    const outputFailed = finished(out).then(() => {
      if (!this.ending || !done) throw new Error('The PDF output stream ended early');
    });
    this.failed = Promise.race([exited, outputFailed]).then(() => new Promise<never>(() => undefined));
    // Failures surface from write()/finish(); this keeps an early one from being "unhandled".
    this.failed.catch(() => this.stopChild());

    this.pdf.pipe(out, { end: false });
    this.rendered = Promise.all([exited, finished(this.pdf, { writable: false })]).then(() => done);
    this.rendered.catch(() => undefined);

    void this.send({
      type: 'start',
      document: {
        title: context.title,
        columns: context.columns.map(({ header, type, width }) => ({ header, type, width })),
        filters: describeFilters(context.filters, context.columns),
        generatedAt: `${context.generatedAt.toISOString().slice(0, 19).replace('T', ' ')} UTC`,
      },
    }).catch(() => undefined);
  }

  private crashError(code: number | null, signal: NodeJS.Signals | null): Error {
    if (this.aborted) return new Error('The PDF export was aborted');
    const how = signal ? `was killed by ${signal}` : `exited with code ${String(code)}`;
    if (/heap out of memory/i.test(this.stderr)) return new Error(`PDF renderer ran out of memory after ${this.rows} rows (${how})`);
    const lines = this.stderr.split('\n').map((line) => line.trim());
    const detail = lines.find((line) => /Error\b/.test(line)) ?? lines.find((line) => line.length > 0);
    return new Error(`PDF renderer ${how}${detail ? `: ${detail.slice(0, 300)}` : ''}`);
  }

  /**
   * Resolves once the message is handed to the IPC channel, so a slow child holds the caller back.
   * A closed channel means the child is exiting: its exit, through `failed`, gives the real reason.
   */
  private send(message: PdfRenderRequest): Promise<void> {
    const sent = new Promise<void>((resolve) => {
      if (this.child.connected) this.child.send(message, (error) => error ?? resolve());
    });
    return Promise.race([sent, this.failed]);
  }

  async write(rows: readonly ExportRow[]): Promise<void> {
    if (this.aborted) throw new Error('The PDF export was aborted');
    this.rows += rows.length;
    if (this.rows > MAX_RECORDS) throw new Error(`PDF exports are limited to ${MAX_RECORDS} records`);
    await this.send({ type: 'rows', rows });
  }

  async finish(): Promise<void> {
    if (this.aborted) throw new Error('The PDF export was aborted');
    this.ending = true;
    await this.send({ type: 'end' });
    const done = await Promise.race([this.rendered, this.failed]);
    this.out.end();
    await Promise.race([finished(this.out), this.failed]);
    this.logger.log({
      msg: 'PDF rendered',
      rows: done?.rows ?? this.rows,
      ms: Date.now() - this.started,
      childPeakRssMb: done?.peakRssKb === undefined ? undefined : Math.round(done.peakRssKb / 1024),
    });
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.pdf.unpipe(this.out);
    this.stopChild();
  }

  private stopChild(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

@Injectable()
export class PdfWriter extends ExportFormatWriter {
  readonly format = 'pdf' as const;
  readonly extension = 'pdf';
  readonly contentType = 'application/pdf';
  override readonly maxRecords = MAX_RECORDS;
  private readonly logger = new Logger(PdfWriter.name);

  open(out: Writable, context: ExportWriteContext): ExportWriter {
    return new PdfRowWriter(out, context, this.logger);
  }
}
