import type { ColumnType } from '../../query/export-query.provider';
import type { ExportRow } from '../export-writer';
import type { FontMetrics } from './fonts';
import type { PdfDocumentInfo } from './protocol';

export const PAGE = { width: 841.89, height: 595.28 }; // A4 landscape, in points
const MARGIN = { left: 20, top: 20, right: 20, bottom: 28 };
const CELL_PADDING = 2;
export const FONT_SIZE = 7;
/** Where the assembler draws "Page x of y": right-aligned, on the baseline pdfmake's footer had. */
export const FOOTER = { right: PAGE.width - MARGIN.right, baseline: MARGIN.bottom - 10 - 0.927 * FONT_SIZE };
/** A chunk also ends once its text reaches this many characters a row on average (bounds memory). */
const CHUNK_CHARS_PER_ROW = 240;

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

/**
 * Column widths in points from the width each column wants (its widest value or header word,
 * measured). When they fit, the spare room is shared out in proportion; when not, the widest
 * columns are capped first (they wrap) and dates, times and amounts keep their single line.
 */
export function columnWidths(wanted: readonly number[]): number[] {
  const available = PAGE.width - MARGIN.left - MARGIN.right - wanted.length * 2 * CELL_PADDING - 1;
  const padded = wanted.map((width) => width + 1);
  const total = padded.reduce((sum, width) => sum + width, 0);
  if (total <= available) return padded.map((width) => Math.floor((width * available) / total));

  let room = available;
  let cap = Number.POSITIVE_INFINITY;
  const ascending = [...padded].sort((a, b) => a - b);
  for (let index = 0; index < ascending.length; index++) {
    const share = room / (ascending.length - index);
    if (ascending[index] > share) {
      cap = share;
      break;
    }
    room -= ascending[index];
  }
  return padded.map((width) => Math.floor(Math.min(width, cap)));
}

/** First and last page a body row was laid out on (1-based). */
export interface RowPages {
  first: number;
  last: number;
}

/**
 * How much of a laid-out chunk to keep: all pages but the last, and the next chunk starts with the
 * last page's first row. If a row runs over that page break, the break before it is used instead.
 * Pages of rows that cannot be placed (no page known) or a chunk too small to drop a page are kept
 * whole: the next chunk then starts on a fresh page, which is correct, only less full.
 */
export function chunkBoundary(rows: readonly (RowPages | undefined)[], pages: number, final: boolean): { pages: number; carry: number } {
  const whole = { pages, carry: rows.length };
  if (final || rows.some((row) => row === undefined)) return whole;
  const placed = rows as readonly RowPages[];
  const split = new Set<number>();
  for (const { first, last } of placed) for (let page = first; page < last; page++) split.add(page);
  for (let keep = pages - 1; keep >= 1; keep--) {
    if (split.has(keep)) continue;
    const carry = placed.findIndex((row) => row.first > keep);
    if (carry >= 1) return { pages: keep, carry };
  }
  return whole;
}

/** A table cell as pdfmake lays it out; pdfmake adds `positions` to it. */
interface Cell {
  text: string;
  bold?: boolean;
  alignment?: 'right';
  noWrap?: boolean;
  positions?: { pageNumber: number }[];
}

/** The rows of one export and the pdfmake documents of its chunks. */
export class PdfTable {
  private readonly rows: string[][] = [];
  private readonly types: ColumnType[];
  private readonly wanted: number[];
  private widths?: number[];

  constructor(
    private readonly document: PdfDocumentInfo,
    private readonly fonts: { regular: FontMetrics; bold: FontMetrics },
  ) {
    this.types = document.columns.map((column) => column.type);
    this.wanted = document.columns.map((column) =>
      Math.max(...column.header.split(/\s+/).map((word) => fonts.bold.width(word, FONT_SIZE))),
    );
  }

  get rowCount(): number {
    return this.rows.length;
  }

  add(rows: readonly ExportRow[]): void {
    if (this.widths) throw new Error('rows after the first chunk');
    for (const row of rows) {
      this.rows.push(
        this.types.map((type, index) => {
          const text = formatValue(row[index], type);
          const width = this.fonts.regular.width(text, FONT_SIZE);
          if (width > this.wanted[index]) this.wanted[index] = width;
          return text;
        }),
      );
    }
  }

  /** The end (exclusive) of the chunk starting at row `start`: at most `maxRows` rows, fewer if they hold much text. */
  chunkEnd(start: number, maxRows: number): number {
    const budget = maxRows * CHUNK_CHARS_PER_ROW;
    const last = Math.min(this.rows.length, start + maxRows);
    let chars = 0;
    for (let index = start; index < last; index++) {
      for (const text of this.rows[index]) chars += text.length;
      if (chars >= budget) return index + 1;
    }
    return last;
  }

  /**
   * The pdfmake document of rows [start, end); chunk 0 carries the title block. pdfmake calls
   * footers once the whole chunk is laid out (it passes the page count), before drawing anything:
   * that is when `onLaidOut` learns the page of every row. The page numbers are drawn later, by
   * the assembler, when the total is known.
   */
  chunk(index: number, start: number, end: number, onLaidOut: (pages: number, rows: (RowPages | undefined)[]) => void): object {
    const widths = (this.widths ??= columnWidths(this.wanted));
    const header = this.document.columns.map(
      (column): Cell => ({ text: column.header, bold: true, ...(RIGHT_ALIGNED[column.type] ? { alignment: 'right' } : {}) }),
    );
    const body: Cell[][] = [header];
    for (let row = start; row < end; row++) {
      body.push(
        this.rows[row].map((text, column): Cell => {
          const cell: Cell = { text };
          if (RIGHT_ALIGNED[this.types[column]]) cell.alignment = 'right';
          // One unbroken piece instead of a piece a word: about a third fewer for pdfmake to place and draw.
          if (!/[\r\n]/.test(text) && this.fonts.regular.width(text, FONT_SIZE) <= widths[column]) cell.noWrap = true;
          return cell;
        }),
      );
    }
    return {
      pageSize: 'A4',
      pageOrientation: 'landscape',
      pageMargins: [MARGIN.left, MARGIN.top, MARGIN.right, MARGIN.bottom],
      defaultStyle: { font: 'Roboto', fontSize: FONT_SIZE, lineHeight: 1.1 },
      footer: (currentPage: number, pageCount: number) => {
        if (currentPage === 1) onLaidOut(pageCount, body.slice(1).map(rowPages));
        return null;
      },
      content: [...(index === 0 ? this.titleBlock() : []), this.table(widths, body, start)],
    };
  }

  private titleBlock(): object[] {
    const { title, filters, generatedAt } = this.document;
    return [
      { text: title, fontSize: 14, bold: true, margin: [0, 0, 0, 4] },
      { text: [{ text: 'Filters: ', bold: true }, filters], fontSize: 8, margin: [0, 0, 0, 2] },
      {
        text: [
          { text: 'Generated: ', bold: true },
          generatedAt,
          '     ',
          { text: 'Records: ', bold: true },
          this.rows.length.toLocaleString('en-US'),
        ],
        fontSize: 8,
        margin: [0, 0, 0, 8],
      },
    ];
  }

  /** `start` keeps the row shading alternating across chunks. */
  private table(widths: number[], body: Cell[][], start: number): object {
    return {
      table: { headerRows: 1, widths, body },
      layout: {
        hLineWidth: (index: number) => (index === 1 ? 0.75 : 0.25),
        vLineWidth: () => 0,
        hLineColor: () => '#bbbbbb',
        paddingLeft: () => CELL_PADDING,
        paddingRight: () => CELL_PADDING,
        paddingTop: () => 1.5,
        paddingBottom: () => 1.5,
        fillColor: (rowIndex: number) => (rowIndex === 0 ? '#e4e4e4' : (start + rowIndex) % 2 === 0 ? '#f5f5f5' : null),
      },
    };
  }
}

function rowPages(row: readonly Cell[]): RowPages | undefined {
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const cell of row) {
    for (const { pageNumber } of cell.positions ?? []) {
      if (pageNumber < first) first = pageNumber;
      if (pageNumber > last) last = pageNumber;
    }
  }
  return last === 0 ? undefined : { first, last };
}
