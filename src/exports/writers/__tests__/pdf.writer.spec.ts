import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import type { ExportColumn } from '../../query/export-query.provider';
import type { ExportRow, ExportWriteContext, ExportWriter } from '../export-writer';
import { PdfWriter, describeFilters } from '../pdf.writer';

const COLUMNS: ExportColumn[] = [
  { key: 'id', header: 'ID', type: 'integer' },
  { key: 'driver_name', header: 'Driver', type: 'text', width: 20 },
  { key: 'transaction_date', header: 'Transaction Date', type: 'datetime', width: 20 },
  { key: 'posting_date', header: 'Posting Date', type: 'date' },
  { key: 'amount', header: 'Amount', type: 'decimal' },
  { key: 'note', header: 'Note', type: 'text' },
];

const ROWS: ExportRow[] = [
  [1, 'José Núñez', '2024-01-31 23:30:00', '2024-01-31', '-12.50', '=SUM(A1:A2)'],
  [2, null, null, null, null, null],
  [3, 'Ann Lee', '2024-02-01 00:00:01', '2024-02-29', '1234567.89', 'paid'],
];

function context(overrides: Partial<ExportWriteContext> = {}): ExportWriteContext {
  return {
    exportId: 7,
    exportType: 'EZPASS',
    title: 'EZPass tolls',
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

/** Live renderer processes forked by this (jest worker) process. */
function renderChildren(): number[] {
  const children = readdirSync(`/proc/${process.pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );
  return children.filter((pid) => {
    try {
      return (
        readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('pdf-render.child') &&
        !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))
      );
    } catch {
      return false;
    }
  });
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
    await until(() => renderChildren().length === 0);
    rmSync(dir, { recursive: true, force: true });
  });

  async function render(rows: ExportRow[], ctx = context(), batch = 2): Promise<void> {
    const out = createWriteStream(path);
    const file = new PdfWriter().open(out, ctx);
    for (let i = 0; i < rows.length; i += batch) await file.write(rows.slice(i, i + batch));
    await file.finish();
    expect(out.writableFinished).toBe(true);
  }

  it('renders the title block, the values as given and page numbers', async () => {
    await render(ROWS);

    expect(readFileSync(path).subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(path);
    expect(text).toContain('EZPass tolls');
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

  it('rejects with a clear error when the renderer process dies', async () => {
    const file = new PdfWriter().open(createWriteStream(path), context());
    await file.write(ROWS);
    await until(() => renderChildren().length === 1);

    process.kill(renderChildren()[0], 'SIGKILL');

    await expect(finishAfterCrash(file)).rejects.toThrow('PDF renderer was killed by SIGKILL');
  });

  it('kills the renderer on abort without throwing', async () => {
    const file = new PdfWriter().open(createWriteStream(path), context());
    await file.write(ROWS);
    await until(() => renderChildren().length === 1);

    expect(() => file.abort()).not.toThrow();

    await until(() => renderChildren().length === 0);
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
