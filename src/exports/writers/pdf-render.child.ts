/**
 * Child process that lays out and renders one PDF export with pdfmake. pdfmake holds the whole
 * document in memory (~55 KB a row) and blocks for seconds, so it runs here, not in the worker.
 * Protocol: the parent sends `start`, then `rows` batches, then `end` over IPC; the PDF bytes go to
 * the file descriptor named by argv[2] (not stdout, which a stray console.log would corrupt); `done`
 * reports the peak RSS and the process exits 0. Any failure goes to stderr and the process exits 1.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pdfmake from 'pdfmake';
import type { ColumnType } from '../query/export-query.provider';
import type { ExportRow } from './export-writer';

export interface PdfColumn {
  header: string;
  type: ColumnType;
  width?: number;
}

export interface PdfDocumentInfo {
  title: string;
  columns: PdfColumn[];
  /** The filters in readable form, or 'none'. */
  filters: string;
  /** 'YYYY-MM-DD HH:MM:SS UTC'. */
  generatedAt: string;
}

export type PdfRenderRequest =
  { type: 'start'; document: PdfDocumentInfo } | { type: 'rows'; rows: readonly ExportRow[] } | { type: 'end' };

export interface PdfRenderDone {
  type: 'done';
  rows: number;
  /** VmHWM of the child, read just before it exits. */
  peakRssKb?: number;
}

interface Cell {
  text: string;
  alignment?: 'right';
  bold?: boolean;
}

type Row = (Cell | string)[];

const PAGE = { width: 841.89, height: 595.28 }; // A4 landscape, in points
const MARGIN = { left: 20, top: 20, right: 20, bottom: 28 };
const CELL_PADDING = 2;
const FONT_SIZE = 7;

const RIGHT_ALIGNED: Record<ColumnType, boolean> = { text: false, integer: true, decimal: true, date: false, datetime: false };

/** '-1234567.5' → '-1,234,567.50', from the string (no float rounding for the usual 2-place scale). */
export function formatDecimal(value: string): string {
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(value.trim());
  if (!match) return value;
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > 2) return formatDecimal(Number(value).toFixed(2));
  return `${sign}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${fraction.padEnd(2, '0')}`;
}

function formatValue(value: unknown, type: ColumnType): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  return type === 'decimal' ? formatDecimal(text) : text;
}

/** Roboto's digit advance is 0.56 em; letters average less, capitals and bold a little more. */
const CHAR_PT: Record<ColumnType, number> = {
  text: 0.6 * FONT_SIZE,
  integer: 0.56 * FONT_SIZE,
  decimal: 0.56 * FONT_SIZE,
  date: 0.56 * FONT_SIZE,
  datetime: 0.56 * FONT_SIZE,
};
const HEADER_CHAR_PT = 0.62 * FONT_SIZE;

/**
 * Widths in points from the longest value of each column (the rows are all here before layout) and
 * the longest header word. When they do not fit the page, the widest columns are capped first
 * (they wrap); dates, times and amounts are narrow enough to stay on one line.
 */
export function columnWidths(columns: readonly PdfColumn[], longest: readonly number[]): number[] {
  const available = PAGE.width - MARGIN.left - MARGIN.right - columns.length * 2 * CELL_PADDING - 1;
  const wanted = columns.map((column, index) => {
    const headerWord = Math.max(...column.header.split(/\s+/).map((word) => word.length));
    return Math.max(longest[index] * CHAR_PT[column.type], headerWord * HEADER_CHAR_PT) + 1;
  });
  const total = wanted.reduce((sum, width) => sum + width, 0);
  if (total <= available) return wanted.map((width) => Math.floor((width * available) / total));

  let room = available;
  let cap = Number.POSITIVE_INFINITY;
  const ascending = [...wanted].sort((a, b) => a - b);
  for (let index = 0; index < ascending.length; index++) {
    const share = room / (ascending.length - index);
    if (ascending[index] > share) {
      cap = share;
      break;
    }
    room -= ascending[index];
  }
  return wanted.map((width) => Math.floor(Math.min(width, cap)));
}

function fontFiles(): {
  fonts: Record<string, { normal: string; bold: string; italics: string; bolditalics: string }>;
  paths: Set<string>;
} {
  const dir = join(dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');
  const roboto = {
    normal: join(dir, 'Roboto-Regular.ttf'),
    bold: join(dir, 'Roboto-Medium.ttf'),
    italics: join(dir, 'Roboto-Italic.ttf'),
    bolditalics: join(dir, 'Roboto-MediumItalic.ttf'),
  };
  return { fonts: { Roboto: roboto }, paths: new Set(Object.values(roboto)) };
}

function peakRssKb(): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

class PdfRender {
  private readonly body: Row[] = [];
  private readonly types: ColumnType[];
  private readonly longest: number[];

  constructor(private readonly document: PdfDocumentInfo) {
    this.types = document.columns.map((column) => column.type);
    this.longest = this.types.map(() => 0);
    this.body.push(
      document.columns.map((column): Cell => ({
        text: column.header,
        bold: true,
        ...(RIGHT_ALIGNED[column.type] ? { alignment: 'right' } : {}),
      })),
    );
  }

  get rowCount(): number {
    return this.body.length - 1;
  }

  add(rows: readonly ExportRow[]): void {
    for (const row of rows) {
      this.body.push(
        this.types.map((type, index) => {
          const text = formatValue(row[index], type);
          if (text.length > this.longest[index]) this.longest[index] = text.length;
          return RIGHT_ALIGNED[type] ? { text, alignment: 'right' } : text;
        }),
      );
    }
  }

  definition(): object {
    const { title, filters, generatedAt } = this.document;
    return {
      pageSize: 'A4',
      pageOrientation: 'landscape',
      pageMargins: [MARGIN.left, MARGIN.top, MARGIN.right, MARGIN.bottom],
      info: { title, creator: 'Exports', producer: 'Exports' },
      defaultStyle: { font: 'Roboto', fontSize: FONT_SIZE, lineHeight: 1.1 },
      footer: (currentPage: number, pageCount: number) => ({
        text: `Page ${currentPage} of ${pageCount}`,
        alignment: 'right',
        fontSize: FONT_SIZE,
        margin: [MARGIN.left, 10, MARGIN.right, 0],
      }),
      content: [
        { text: title, fontSize: 14, bold: true, margin: [0, 0, 0, 4] },
        { text: [{ text: 'Filters: ', bold: true }, filters], fontSize: 8, margin: [0, 0, 0, 2] },
        {
          text: [
            { text: 'Generated: ', bold: true },
            generatedAt,
            '     ',
            { text: 'Records: ', bold: true },
            this.rowCount.toLocaleString('en-US'),
          ],
          fontSize: 8,
          margin: [0, 0, 0, 8],
        },
        {
          table: { headerRows: 1, widths: columnWidths(this.document.columns, this.longest), body: this.body },
          layout: {
            hLineWidth: (index: number) => (index === 1 ? 0.75 : 0.25),
            vLineWidth: () => 0,
            hLineColor: () => '#bbbbbb',
            paddingLeft: () => CELL_PADDING,
            paddingRight: () => CELL_PADDING,
            paddingTop: () => 1.5,
            paddingBottom: () => 1.5,
            fillColor: (rowIndex: number) => (rowIndex === 0 ? '#e4e4e4' : rowIndex % 2 === 0 ? '#f5f5f5' : null),
          },
        },
      ],
    };
  }
}

async function render(document: PdfRender, fd: number): Promise<void> {
  const { fonts, paths } = fontFiles();
  pdfmake.setFonts(fonts);
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((path) => paths.has(path));
  const pdf = await pdfmake.createPdf(document.definition()).getStream();
  const done = pipeline(pdf, createWriteStream('', { fd }));
  pdf.end();
  await done;
}

function fail(error: unknown): never {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}

function main(): void {
  const fd = Number(process.argv[2]);
  if (!Number.isInteger(fd) || fd < 3) fail(new Error(`usage: ${process.argv[1]} <output fd>`));
  let document: PdfRender | undefined;
  process.on('message', (message: PdfRenderRequest) => {
    try {
      switch (message.type) {
        case 'start':
          document = new PdfRender(message.document);
          break;
        case 'rows':
          if (!document) throw new Error('rows before start');
          document.add(message.rows);
          break;
        case 'end': {
          const finished = document;
          if (!finished) throw new Error('end before start');
          render(finished, fd)
            .then(() => {
              const done: PdfRenderDone = { type: 'done', rows: finished.rowCount, peakRssKb: peakRssKb() };
              process.send?.(done, () => process.disconnect());
            })
            .catch(fail);
          break;
        }
      }
    } catch (error) {
      fail(error);
    }
  });
  // Also after `done`: the parent went away or has everything, so nothing is left to do.
  process.on('disconnect', () => process.exit());
}

if (require.main === module) main();
