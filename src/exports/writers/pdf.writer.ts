import { availableParallelism } from 'node:os';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Injectable, Logger } from '@nestjs/common';
import type { NormalizedFilters } from '../query/export-filters';
import type { FileColumn } from '../query/export-query.provider';
import { ExportFormatWriter } from './export-writer';
import type { ExportRow, ExportWriteContext, ExportWriter } from './export-writer';
import { PdfChild } from './pdf/pdf-child';
import type { AssembleDone, AssembleRequest, RenderReply, RenderRequest } from './pdf/protocol';

const MAX_RECORDS = 10_000;
/** Rows a chunk holds at most: pdfmake needs ~55 KB a row while it lays a chunk out. */
const CHUNK_ROWS = 500;
/** The first chunk is this much shorter when there are several renderers (see dispatch). */
const FIRST_CHUNK_SHARE = 4;
/** Renderers run in parallel, one a core; more would only share the cores. */
const MAX_RENDERERS = 2;
/**
 * Heap limits: a renderer holds all rows (~1 KB each) and one chunk at a time, the assembler the
 * finished PDF's objects. The limit also keeps V8 from growing the heap lazily far past what is
 * live; a runaway child dies, not the worker.
 */
const RENDERER_HEAP_MB = 256;
const ASSEMBLER_HEAP_MB = 200;
const MAX_FILTER_VALUES_SHOWN = 10;

function label(name: string, columns: readonly FileColumn[]): string {
  const header = columns.find((column) => column.key === name)?.header;
  if (header) return header;
  const words = name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `{ from_posting_date, to_posting_date, plate_number }` → 'Posting Date 2024-01-01 to 2024-01-31; Plate: A, B'. */
export function describeFilters(filters: NormalizedFilters, columns: readonly FileColumn[]): string {
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

export interface PdfWriterOptions {
  /** Rows a chunk holds at most. */
  chunkRows?: number;
  /** Renderer processes at most. */
  renderers?: number;
}

type LaidOut = Extract<RenderReply, { type: 'laidOut' }>;
type Rendered = Extract<RenderReply, { type: 'rendered' }>;

function isMessage<T extends { type: string }>(message: unknown, type: T['type']): message is T {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

const NEVER = new Promise<never>(() => undefined);

/** Settles only when `promise` rejects. */
function failureOf(promise: Promise<unknown>): Promise<never> {
  return promise.then(() => NEVER);
}

/**
 * One PDF being written (see pdf/protocol.ts). Every row goes to every renderer. At `finish` the
 * chunks are handed out one at a time, each to an idle renderer as soon as the chunk before it is
 * laid out; their PDFs are passed on to the assembler, whose output is the file.
 */
export class PdfRowWriter implements ExportWriter {
  private readonly renderers: PdfChild[] = [];
  /** Started by `finish`: it has nothing to do before, and its start-up would slow the renderers'. */
  private assembler?: PdfChild;
  /** Rejects on the first failure of a child, the output or the protocol; never resolves. */
  private readonly failed: Promise<never>;
  private readonly breakDown: (error: Error) => void;
  private readonly chunkRows: number;
  private readonly title: string;
  private readonly started = Date.now();
  private readonly idle: PdfChild[];
  private readonly chunkStarts = new Map<number, number>();
  private readonly rendererPeakKb = new Map<PdfChild, number>();
  /** The next chunk, once the chunk before it is laid out, until a renderer is free for it. */
  private pending?: { index: number; start: number };
  /** How many chunks there are, once the last one is laid out. */
  private chunks?: number;
  private renderedChunks = 0;
  /** Pages kept from the chunks laid out so far. */
  private pages = 0;
  private done?: AssembleDone;
  private rows = 0;
  private ending = false;
  private aborted = false;

  constructor(
    private readonly out: Writable,
    context: ExportWriteContext,
    private readonly logger: Logger,
    options: PdfWriterOptions = {},
  ) {
    this.chunkRows = options.chunkRows ?? CHUNK_ROWS;
    this.title = context.title;
    const renderers = Math.max(
      1,
      Math.min(options.renderers ?? MAX_RENDERERS, availableParallelism(), Math.ceil(context.totalRecords / this.chunkRows)),
    );
    let breakDown: (error: Error) => void = () => undefined;
    const broken = new Promise<never>((_resolve, reject) => {
      breakDown = reject;
    });
    this.breakDown = breakDown;
    const outputFailed = finished(out).then(() => {
      if (!this.ending || !this.done) throw new Error('The PDF output stream ended early');
    });
    this.failed = Promise.race([broken, failureOf(outputFailed)]);
    // Failures surface from write()/finish(); this keeps an early one from being "unhandled".
    this.failed.catch(() => this.stopChildren());

    try {
      for (let index = 0; index < renderers; index++) {
        const renderer: PdfChild = this.fork('renderer', 'pdf/pdf-render.child.js', RENDERER_HEAP_MB, (message) =>
          this.onRendererMessage(renderer, message),
        );
        this.renderers.push(renderer);
      }
    } catch (error) {
      this.stopChildren();
      throw error;
    }
    this.idle = [...this.renderers];

    const start: RenderRequest = {
      type: 'start',
      document: {
        title: context.title,
        columns: context.columns.map(({ header, type }) => ({ header, type })),
        filters: describeFilters(context.filters, context.columns),
        generatedAt: `${context.generatedAt.toISOString().slice(0, 19).replace('T', ' ')} UTC`,
      },
    };
    for (const renderer of this.renderers) void renderer.send(start);
  }

  private fork(role: string, script: string, heapMb: number, onMessage: (message: unknown) => void, output = false): PdfChild {
    const child = new PdfChild({
      role,
      script,
      heapMb,
      output,
      onMessage,
      crashError: (code, signal, stderr) => this.crashError(role, code, signal, stderr),
    });
    child.exited.catch((error: unknown) => this.breakDown(error instanceof Error ? error : new Error(String(error))));
    return child;
  }

  private crashError(role: string, code: number | null, signal: NodeJS.Signals | null, stderr: string): Error {
    if (this.aborted) return new Error('The PDF export was aborted');
    const how = signal ? `was killed by ${signal}` : `exited with code ${String(code)}`;
    if (/heap out of memory/i.test(stderr)) return new Error(`PDF ${role} ran out of memory after ${this.rows} rows (${how})`);
    const lines = stderr.split('\n').map((line) => line.trim());
    const detail = lines.find((line) => /Error\b/.test(line)) ?? lines.find((line) => line.length > 0);
    return new Error(`PDF ${role} ${how}${detail ? `: ${detail.slice(0, 300)}` : ''}`);
  }

  async write(rows: readonly ExportRow[]): Promise<void> {
    if (this.aborted) throw new Error('The PDF export was aborted');
    this.rows += rows.length;
    if (this.rows > MAX_RECORDS) throw new Error(`PDF exports are limited to ${MAX_RECORDS} records`);
    const message: RenderRequest = { type: 'rows', rows };
    await Promise.race([Promise.all(this.renderers.map((renderer) => renderer.send(message))), this.failed]);
  }

  async finish(): Promise<void> {
    if (this.aborted) throw new Error('The PDF export was aborted');
    this.ending = true;
    const assembled = this.startAssembler();
    this.pending = { index: 0, start: 0 };
    this.dispatch();
    const done = await Promise.race([assembled, this.failed]);
    this.out.end();
    await Promise.race([finished(this.out), this.failed]);
    const rendererPeaks = [...this.rendererPeakKb.values()];
    const mb = (kb: number | undefined): number | undefined => (kb === undefined ? undefined : Math.round(kb / 1024));
    this.logger.log({
      msg: 'PDF rendered',
      rows: this.rows,
      pages: done.pages,
      chunks: this.chunks,
      renderers: this.renderers.length,
      ms: Date.now() - this.started,
      rendererPeakRssMb: mb(rendererPeaks.length > 0 ? Math.max(...rendererPeaks) : undefined),
      assemblerPeakRssMb: mb(done.peakRssKb),
      childrenPeakRssMbSum: mb(rendererPeaks.reduce((sum, kb) => sum + kb, done.peakRssKb ?? 0)),
    });
  }

  /** Resolves once the assembler has written the whole PDF and every child has exited cleanly. */
  private async startAssembler(): Promise<AssembleDone> {
    const assembler = this.fork(
      'assembler',
      'pdf/pdf-assemble.child.js',
      ASSEMBLER_HEAP_MB,
      (message) => {
        if (isMessage<AssembleDone>(message, 'done')) this.done = message;
      },
      true,
    );
    this.assembler = assembler;
    // It disconnects and exits by itself once it has written the PDF.
    assembler.expectExit();
    const pdf = assembler.output;
    if (!pdf) throw new Error('PDF assembler output pipe is missing');
    pdf.pipe(this.out, { end: false });
    const start: AssembleRequest = { type: 'start', title: this.title };
    void assembler.send(start);
    await Promise.all([finished(pdf, { writable: false }), assembler.exited, ...this.renderers.map((renderer) => renderer.exited)]);
    if (!this.done) throw new Error('The PDF assembler exited without finishing');
    return this.done;
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.assembler?.output?.unpipe(this.out);
    this.stopChildren();
  }

  private onRendererMessage(renderer: PdfChild, message: unknown): void {
    if (isMessage<LaidOut>(message, 'laidOut')) this.laidOut(message);
    else if (isMessage<Rendered>(message, 'rendered')) this.rendered(renderer, message);
  }

  private laidOut({ index, pages, next }: LaidOut): void {
    const start = this.chunkStarts.get(index);
    this.pages += pages;
    if (next >= this.rows) {
      this.chunks = index + 1;
      const end: AssembleRequest = { type: 'end', chunks: this.chunks, pages: this.pages };
      void this.assembler?.send(end);
      this.releaseRenderers();
    } else if (start === undefined || next <= start) {
      this.breakDown(new Error(`PDF renderer made no progress in chunk ${index} (rows from ${String(start)})`));
    } else {
      this.pending = { index: index + 1, start: next };
      this.dispatch();
    }
  }

  private rendered(renderer: PdfChild, { index, pages, pdf, peakRssKb }: Rendered): void {
    if (peakRssKb !== undefined) this.rendererPeakKb.set(renderer, Math.max(this.rendererPeakKb.get(renderer) ?? 0, peakRssKb));
    const chunk: AssembleRequest = { type: 'chunk', index, pages, pdf };
    void this.assembler?.send(chunk);
    this.renderedChunks++;
    this.idle.push(renderer);
    this.dispatch();
    this.releaseRenderers();
  }

  private dispatch(): void {
    if (!this.pending || this.idle.length === 0) return;
    const [renderer] = this.idle.splice(0, 1);
    const { index, start } = this.pending;
    this.pending = undefined;
    this.chunkStarts.set(index, start);
    // A short first chunk: the other renderers wait for its layout before they can start.
    const rows = index === 0 && this.renderers.length > 1 ? Math.ceil(this.chunkRows / FIRST_CHUNK_SHARE) : this.chunkRows;
    const chunk: RenderRequest = { type: 'chunk', index, start, rows };
    void renderer.send(chunk);
  }

  private releaseRenderers(): void {
    if (this.chunks !== undefined && this.renderedChunks === this.chunks) for (const renderer of this.renderers) renderer.release();
  }

  private stopChildren(): void {
    this.assembler?.kill();
    for (const renderer of this.renderers) renderer.kill();
  }
}

@Injectable()
export class PdfWriter extends ExportFormatWriter {
  readonly format = 'pdf' as const;
  readonly extension = 'pdf';
  readonly contentType = 'application/pdf';
  override readonly maxRecords = MAX_RECORDS;
  private readonly logger = new Logger(PdfWriter.name);

  open(out: Writable, context: ExportWriteContext, options?: PdfWriterOptions): ExportWriter {
    return new PdfRowWriter(out, context, this.logger, options);
  }
}
