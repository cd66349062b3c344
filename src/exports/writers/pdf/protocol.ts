/**
 * Messages between the PDF writer (in the worker) and its child processes. A PDF is laid out in
 * chunks of rows, each a separate pdfmake document rendered by one of the renderers; the assembler
 * copies the chunks' pages into one PDF in order and draws the page numbers.
 *
 * Chunk i+1 starts at the first row of chunk i's last page (that page is dropped and laid out
 * again), so every page but the last is as full as in one long document. Its first row is only
 * known once chunk i is laid out, which a renderer reports (`laidOut`) before it spends about as
 * long again drawing the chunk: meanwhile the other renderer lays out chunk i+1.
 */
import { readFileSync } from 'node:fs';
import type { ColumnType } from '../../query/export-query.provider';
import type { ExportRow } from '../export-writer';

export interface PdfColumn {
  header: string;
  type: ColumnType;
}

export interface PdfDocumentInfo {
  title: string;
  columns: PdfColumn[];
  /** The filters in readable form, or 'none'. */
  filters: string;
  /** 'YYYY-MM-DD HH:MM:SS UTC'. */
  generatedAt: string;
}

/** Writer → renderer. Every renderer gets every row; `chunk` comes after the last `rows`. */
export type RenderRequest =
  | { type: 'start'; document: PdfDocumentInfo }
  | { type: 'rows'; rows: readonly ExportRow[] }
  /** Lay out and draw at most `rows` rows from row `start`. */
  | { type: 'chunk'; index: number; start: number; rows: number };

export type RenderReply =
  /** Chunk `index` is laid out: its first `pages` pages are kept; the next chunk starts at row `next`. */
  | { type: 'laidOut'; index: number; pages: number; next: number }
  | { type: 'rendered'; index: number; pages: number; pdf: Uint8Array; peakRssKb?: number };

/**
 * Writer → assembler. Chunks may arrive out of order. `end` comes once the last chunk is laid out,
 * usually before it is drawn: with the page total known, pages get their numbers as they arrive.
 */
export type AssembleRequest =
  | { type: 'start'; title: string }
  | { type: 'chunk'; index: number; pages: number; pdf: Uint8Array }
  | { type: 'end'; chunks: number; pages: number };

export interface AssembleDone {
  type: 'done';
  pages: number;
  peakRssKb?: number;
}

/** The file descriptor the assembler writes the PDF to (0-2 are stdio, 3 is IPC). */
export const PDF_OUTPUT_FD = 4;

/** VmHWM of this process. */
export function peakRssKb(): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Logs the failure where the writer collects it (stderr) and exits 1. */
export function fail(error: unknown): never {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
