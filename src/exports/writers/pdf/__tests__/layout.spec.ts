import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FontMetrics, withoutLayoutTables } from '../fonts';
import { chunkBoundary, columnWidths, formatDecimal, PAGE } from '../layout';

const onPage = (first: number, last = first) => ({ first, last });
const AVAILABLE = PAGE.width - 40 - 1;

describe(chunkBoundary.name, () => {
  it('drops the last page and starts the next chunk with its first row', () => {
    expect(chunkBoundary([onPage(1), onPage(1), onPage(2), onPage(2), onPage(3)], 3)).toEqual({ pages: 2, carry: 4 });
  });

  it('cuts before a row that runs over the page break', () => {
    expect(chunkBoundary([onPage(1), onPage(1), onPage(2), onPage(2, 3), onPage(3)], 3)).toEqual({ pages: 1, carry: 2 });
  });

  it('asks for more rows when there is no page break to cut at', () => {
    expect(chunkBoundary([onPage(1), onPage(1)], 1)).toBeNull();
    expect(chunkBoundary([onPage(1, 2), onPage(2)], 2)).toBeNull();
    // Page 1 holds only the title block.
    expect(chunkBoundary([onPage(2), onPage(2)], 2)).toBeNull();
  });

  it('keeps the chunk whole when a row was not placed', () => {
    expect(chunkBoundary([onPage(1), undefined, onPage(2)], 2)).toEqual({ pages: 2, carry: 3 });
  });
});

describe(columnWidths.name, () => {
  const sum = (widths: number[]): number => widths.reduce((total, width) => total + width, 0);

  it('shares out spare room in proportion when everything fits', () => {
    const widths = columnWidths([
      { max: 100, min: 40 },
      { max: 50, min: 50 },
    ]);
    expect(sum(widths)).toBeLessThanOrEqual(AVAILABLE - 8);
    expect(widths[0] / widths[1]).toBeCloseTo(101 / 51, 1);
  });

  it('narrows the widest wrappable columns first and never splits an unbreakable value', () => {
    const widths = columnWidths([
      { max: 400, min: 60 },
      { max: 300, min: 300 },
      { max: 350, min: 50 },
      { max: 40, min: 40 },
    ]);
    expect(sum(widths)).toBeLessThanOrEqual(AVAILABLE - 16);
    expect(widths[1]).toBe(301);
    expect(widths[3]).toBe(41);
    expect(widths[0]).toBe(widths[2]);
    expect(widths[0]).toBeGreaterThanOrEqual(61);
  });

  it('scales everything down when even the unbreakable values do not fit', () => {
    const widths = columnWidths(Array.from({ length: 4 }, () => ({ max: 400, min: 300 })));
    expect(sum(widths)).toBeLessThanOrEqual(AVAILABLE - 16);
    expect(new Set(widths).size).toBe(1);
  });
});

describe(formatDecimal.name, () => {
  it.each([
    ['-1234567.5', '-1,234,567.50'],
    ['12', '12.00'],
    ['0.125', '0.13'],
    ['n/a', 'n/a'],
  ])('formats %s as %s', (value, expected) => {
    expect(formatDecimal(value)).toBe(expected);
  });
});

describe(withoutLayoutTables.name, () => {
  const roboto = readFileSync(join(dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto', 'Roboto-Regular.ttf'));
  const tags = (font: Buffer): string[] =>
    Array.from({ length: font.readUInt16BE(4) }, (_table, index) => font.toString('latin1', 12 + index * 16, 16 + index * 16));

  it('drops GSUB, GPOS and GDEF and keeps the other tables byte for byte', () => {
    const stripped = withoutLayoutTables(roboto);
    expect(tags(stripped)).toEqual(tags(roboto).filter((tag) => !['GSUB', 'GPOS', 'GDEF'].includes(tag)));
    expect(new FontMetrics(stripped).width('José Núñez 0123456789', 7)).toBe(new FontMetrics(roboto).width('José Núñez 0123456789', 7));
  });

  it('measures from the advance widths (Roboto digits are 1151/2048 em)', () => {
    expect(new FontMetrics(roboto).width('0123456789', 10)).toBeCloseTo((10 * 10 * 1151) / 2048, 6);
  });
});
