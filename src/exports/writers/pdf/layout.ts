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

/** Where pdfmake may break a line: at white space and after a hyphen. */
const BREAK = /[\s-]/;
const PIECES = /\s+|(?<=-)/;

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

/** How wide a column wants to be: its widest value on one line, and its widest unbreakable piece. */
export interface ColumnExtent {
  max: number;
  min: number;
}

/**
 * Column widths in points. When every column fits its widest value, the spare room is shared out
 * in proportion. When not, the widest columns are narrowed to a common cap, but none below its
 * widest unbreakable piece (an ID, a VIN, a date): text wraps at its spaces and hyphens and values
 * stay whole. Only when even that does not fit are all columns scaled down and long values split.
 */
export function columnWidths(extents: readonly ColumnExtent[]): number[] {
  const available = PAGE.width - MARGIN.left - MARGIN.right - extents.length * 2 * CELL_PADDING - 1;
  const padded = extents.map(({ max, min }) => ({ max: max + 1, min: min + 1 }));
  const sum = (widths: readonly number[]): number => widths.reduce((total, width) => total + width, 0);
  const widest = padded.map(({ max }) => max);
  if (sum(widest) <= available) return widest.map((width) => Math.floor((width * available) / sum(widest)));
  const narrowest = padded.map(({ min }) => min);
  if (sum(narrowest) > available) return narrowest.map((width) => Math.floor((width * available) / sum(narrowest)));

  const capped = (cap: number): number[] => padded.map(({ max, min }) => Math.max(min, Math.min(max, cap)));
  let low = 0;
  let high = Math.max(...widest);
  for (let step = 0; step < 40; step++) {
    const cap = (low + high) / 2;
    if (sum(capped(cap)) > available) high = cap;
    else low = cap;
  }
  return capped(low).map(Math.floor);
}

/** First and last page a body row was laid out on (1-based). */
export interface RowPages {
  first: number;
  last: number;
}

/**
 * How much of a laid-out chunk, not the last, to keep: all pages but the last, and the next chunk
 * starts with the last page's first row. If a row runs over that page break, the break before it
 * is used instead. Null when the chunk has no break to cut at (one page, say): lay it out again
 * with more rows. Should pdfmake ever not tell where rows went, the chunk is kept whole: the next
 * one then starts on a fresh page, which is correct, only less full.
 */
export function chunkBoundary(rows: readonly (RowPages | undefined)[], pages: number): { pages: number; carry: number } | null {
  if (rows.some((row) => row === undefined)) return { pages, carry: rows.length };
  const placed = rows as readonly RowPages[];
  const split = new Set<number>();
  for (const { first, last } of placed) for (let page = first; page < last; page++) split.add(page);
  for (let keep = pages - 1; keep >= 1; keep--) {
    if (split.has(keep)) continue;
    const carry = placed.findIndex((row) => row.first > keep);
    if (carry >= 1) return { pages: keep, carry };
  }
  return null;
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
  private readonly extents: ColumnExtent[];
  private widths?: number[];

  constructor(
    private readonly document: PdfDocumentInfo,
    private readonly fonts: { regular: FontMetrics; bold: FontMetrics },
  ) {
    this.types = document.columns.map((column) => column.type);
    this.extents = document.columns.map((column) => {
      const word = Math.max(...column.header.split(/\s+/).map((piece) => fonts.bold.width(piece, FONT_SIZE)));
      return { max: word, min: word };
    });
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
          const extent = this.extents[index];
          const width = this.fonts.regular.width(text, FONT_SIZE);
          if (width > extent.max) extent.max = width;
          if (width > extent.min) extent.min = BREAK.test(text) ? this.widestPiece(text, extent.min) : width;
          return text;
        }),
      );
    }
  }

  private widestPiece(text: string, atLeast: number): number {
    let widest = atLeast;
    for (const piece of text.split(PIECES)) widest = Math.max(widest, this.fonts.regular.width(piece, FONT_SIZE));
    return widest;
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
    const widths = (this.widths ??= columnWidths(this.extents));
    const header = this.document.columns.map((column): Cell => ({
      text: column.header,
      bold: true,
      ...(RIGHT_ALIGNED[column.type] ? { alignment: 'right' } : {}),
    }));
    const body: Cell[][] = [header];
    for (let row = start; row < end; row++) {
      body.push(
        this.rows[row].map((text, column): Cell => {
          const cell: Cell = { text };
          if (RIGHT_ALIGNED[this.types[column]]) cell.alignment = 'right';
          // A value that fits is one piece for pdfmake to measure, place and draw, not one a word.
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

  /**
   * Shaded header with a rule under it, then rows told apart by alternate shading. pdfmake draws
   * rules and shading a cell at a time (17 strokes for one rule across 17 columns): rules between
   * all rows were a tenth of the render time, so only the header keeps one. `start` keeps the
   * shading alternating across chunks.
   */
  private table(widths: number[], body: Cell[][], start: number): object {
    return {
      table: { headerRows: 1, widths, body },
      layout: {
        hLineWidth: (index: number) => (index === 1 ? 0.75 : 0),
        vLineWidth: () => 0,
        hLineColor: () => '#bbbbbb',
        paddingLeft: () => CELL_PADDING,
        paddingRight: () => CELL_PADDING,
        paddingTop: () => 1.5,
        paddingBottom: () => 1.5,
        fillColor: (rowIndex: number) => (rowIndex === 0 ? '#e4e4e4' : (start + rowIndex) % 2 === 0 ? '#f0f0f0' : null),
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
