import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { COLUMNS, edgeRows } from './writer-fixtures';
import type { ExportRow, ExportWriteContext, ExportWriter } from '../export-writer';
import { PdfWriter, describeFilters } from '../pdf.writer';
import type { PdfWriterOptions } from '../pdf.writer';

const ROWS = edgeRows('paid');

/** Every 9th row has a note long enough to wrap over several lines, so rows differ in height. */
const MANY_ROWS = Array.from({ length: 600 }, (_row, index): ExportRow => [
  index + 1,
  `Driver ${index + 1}`,
  '2024-01-31 23:30:00',
  '2024-01-31',
  `${index}.25`,
  index % 9 === 0 ? `note ${index + 1}: ${'paid in full at the plaza '.repeat(12)}` : null,
]);

function context(overrides: Partial<ExportWriteContext> = {}): ExportWriteContext {
  return {
    exportId: 7,
    exportType: 'TOLLS',
    title: 'Bridge tolls',
    columns: COLUMNS,
    filters: { from_posting_date: '2024-01-01', to_posting_date: '2024-01-31', driver_name: ['José Núñez', 'Ann Lee'] },
    totalRecords: ROWS.length,
    generatedAt: new Date(Date.UTC(2024, 1, 1, 8, 0, 0)),
    ...overrides,
  };
}

function pdfText(path: string, ...pages: string[]): string {
  return execFileSync('pdftotext', ['-layout', ...pages, path, '-'], { encoding: 'utf8' });
}

/** Live PDF child processes (renderers, or the assembler) forked by this (jest worker) process. */
function pdfChildren(script = /pdf-(render|assemble)\.child/): number[] {
  const children = readdirSync(`/proc/${process.pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );
  return children.filter((pid) => {
    try {
      return script.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8')) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      return false;
    }
  });
}

const renderChildren = (): number[] => pdfChildren(/pdf-render\.child/);
const assemblerChildren = (): number[] => pdfChildren(/pdf-assemble\.child/);

/** The text of each page, by pdftotext's form feeds. */
function pageTexts(path: string): string[] {
  return pdfText(path).split('\f').slice(0, -1);
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await sleep(50);
  expect(condition()).toBe(true);
}

describe(PdfWriter.name, () => {
  let dir: string;
  let path: string;

  beforeAll(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    } catch {
      throw new Error('pdftotext is required for these tests: apt-get install -y poppler-utils');
    }
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pdf-writer-'));
    path = join(dir, 'out.pdf');
  });
  afterEach(async () => {
    await until(() => pdfChildren().length === 0);
    rmSync(dir, { recursive: true, force: true });
  });

  async function render(rows: ExportRow[], ctx = context(), batch = 2, options?: PdfWriterOptions, to = path): Promise<void> {
    const out = createWriteStream(to);
    const file = new PdfWriter().open(out, ctx, options);
    for (let i = 0; i < rows.length; i += batch) await file.write(rows.slice(i, i + batch));
    await file.finish();
    expect(out.writableFinished).toBe(true);
  }

  it('renders the title block, the values as given and page numbers', async () => {
    await render(ROWS);

    expect(readFileSync(path).subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(path);
    expect(text).toContain('Bridge tolls');
    expect(text).toContain('Filters: Posting Date 2024-01-01 to 2024-01-31; Driver: José Núñez, Ann Lee');
    expect(text).toContain('Generated: 2024-02-01 08:00:00 UTC');
    expect(text).toContain('Records: 3');
    expect(text).toContain('Page 1 of 1');
    expect(text).toMatch(/1 +José Núñez +2024-01-31 23:30:00 +2024-01-31 +-12.50 +=SUM\(A1:A2\)/);
    expect(text).toMatch(/3 +Ann Lee +2024-02-01 00:00:01 +2024-02-29 +1,234,567.89 +paid/);
  });

  it('says none when there are no filters', async () => {
    await render(ROWS, context({ filters: {} }));

    expect(pdfText(path)).toContain('Filters: none');
  });

  it('repeats the header row on every page', async () => {
    const rows = Array.from({ length: 150 }, (_row, index): ExportRow => [
      index + 1,
      `Driver ${index + 1}`,
      '2024-01-31 23:30:00',
      '2024-01-31',
      '1.00',
      null,
    ]);
    await render(rows, context(), 50);

    const text = pdfText(path);
    const pages = Number(/Page 1 of (\d+)/.exec(text)?.[1]);
    expect(pages).toBeGreaterThan(1);
    const last = pdfText(path, '-f', String(pages), '-l', String(pages));
    expect(last).toMatch(/ID +Driver +Transaction Date/);
    expect(last).toContain(`Page ${pages} of ${pages}`);
    expect(text).toContain('Driver 150');
  });

  it('renders an export without rows', async () => {
    await render([], context({ totalRecords: 0 }));

    const text = pdfText(path);
    expect(text).toContain('Records: 0');
    expect(text).toMatch(/ID +Driver +Transaction Date/);
    expect(text).toContain('Page 1 of 1');
  });

  describe('in chunks', () => {
    const rows = MANY_ROWS;
    const driversOn = (page: string): number[] => [...page.matchAll(/Driver (\d+)\b/g)].map((match) => Number(match[1]));

    it('numbers the pages "Page x of N" throughout and keeps every row once, in order', async () => {
      await render(rows, context({ totalRecords: rows.length }), 100, { chunkRows: 100 });

      const pages = pageTexts(path);
      expect(pages.length).toBeGreaterThan(10);
      pages.forEach((page, index) => {
        expect(page).toContain(`Page ${index + 1} of ${pages.length}`);
        expect(page).toMatch(/ID +Driver +Transaction Date/);
      });
      expect(pages.flatMap(driversOn)).toEqual(rows.map((_row, index) => index + 1));
      // Rows that run over a page break: nothing of them lost or repeated where chunks meet.
      const notes = rows.filter((row) => row[5] !== null).length;
      expect(pdfText(path).match(/plaza/g)).toHaveLength(notes * 12);
      expect(pdfText(path)).toContain('Records: 600');
    });

    it('puts every row on the page one long document would', async () => {
      const whole = join(dir, 'whole.pdf');
      await render(rows, context({ totalRecords: rows.length }), 100, { chunkRows: 100 });
      await render(rows, context({ totalRecords: rows.length }), 100, { chunkRows: 1000, renderers: 1 }, whole);

      expect(pageTexts(path).map(driversOn)).toEqual(pageTexts(whole).map(driversOn));
    });

    it('cuts chunks only where no row runs over the page break', async () => {
      const tall = rows
        .slice(0, 120)
        .map((row, index): ExportRow => [...row.slice(0, 5), `note ${index + 1}: ${'paid in full at the plaza '.repeat(12)}`]);
      const whole = join(dir, 'whole.pdf');
      await render(tall, context({ totalRecords: tall.length }), 120, { chunkRows: 20 });
      await render(tall, context({ totalRecords: tall.length }), 120, { chunkRows: 1000, renderers: 1 }, whole);

      expect(pdfText(path).match(/plaza/g)).toHaveLength(tall.length * 12);
      expect(pageTexts(path)).toEqual(pageTexts(whole));
    });
  });

  it('rejects with a clear error when the renderer process dies', async () => {
    const file = new PdfWriter().open(createWriteStream(path), context());
    await file.write(ROWS);
    await until(() => renderChildren().length === 1);

    process.kill(renderChildren()[0], 'SIGKILL');

    await expect(finishAfterCrash(file)).rejects.toThrow('PDF renderer was killed by SIGKILL');
  });

  it('rejects with a clear error when the assembler process dies', async () => {
    const file = new PdfWriter().open(createWriteStream(path), context({ totalRecords: MANY_ROWS.length }), { chunkRows: 100 });
    await file.write(MANY_ROWS);
    const finishing = file.finish();
    await until(() => assemblerChildren().length === 1);

    process.kill(assemblerChildren()[0], 'SIGKILL');

    await expect(finishing).rejects.toThrow('PDF assembler was killed by SIGKILL');
  });

  it('kills its child processes on abort without throwing', async () => {
    const file = new PdfWriter().open(createWriteStream(path), context({ totalRecords: 2000 }));
    await file.write(ROWS);
    await until(() => renderChildren().length === Math.min(2, availableParallelism()));

    expect(() => file.abort()).not.toThrow();

    await until(() => pdfChildren().length === 0);
    await expect(file.write(ROWS)).rejects.toThrow('aborted');
  });

  it('refuses more rows than maxRecords', async () => {
    const writer = new PdfWriter();
    const file = writer.open(createWriteStream(path), context());
    const rows = Array.from({ length: writer.maxRecords + 1 }, (): ExportRow => [1, null, null, null, null, null]);

    await expect(file.write(rows)).rejects.toThrow('limited to 10000 records');
    file.abort();
  });

  describe(describeFilters.name, () => {
    it.each([
      [{}, 'none'],
      [{ from_posting_date: '2024-01-01' }, 'Posting Date from 2024-01-01'],
      [{ to_posting_date: '2024-01-31' }, 'Posting Date up to 2024-01-31'],
      [{ from_amount: '-5', to_amount: '10.50', trip_date: ['x'] }, 'Amount -5 to 10.50; Trip date: x'],
      [{ medallion_no: Array.from({ length: 12 }, (_v, i) => `M${i}`) }, 'Medallion no: M0, M1, M2, M3, M4, M5, M6, M7, M8, M9 and 2 more'],
    ])('describes %j as %s', (filters, expected) => {
      expect(describeFilters(filters, COLUMNS)).toBe(expected);
    });
  });
});

/** The child may die between two writes: whichever call notices first must reject. */
async function finishAfterCrash(file: ExportWriter): Promise<void> {
  await sleep(100);
  await file.write(ROWS);
  await file.finish();
}
