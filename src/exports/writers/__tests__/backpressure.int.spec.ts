import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { COLUMNS } from './writer-fixtures';

const ROOT = join(__dirname, '../../../..');

/**
 * Heap growth over `waits` backpressure waits of one writer, in a node of its own with forced GCs:
 * every batch goes to an output that is always full, so each write waits for 'drain'. What a wait
 * leaves behind stays until the export ends, so it grows with the rows of a long export.
 */
function heapGrowthOverWaits(writerModule: string, writerClass: string, waits: number): number {
  const script = `
    const { Writable } = require('node:stream');
    const { ${writerClass} } = require(${JSON.stringify(join(ROOT, 'dist/src/exports/writers', writerModule))});
    const out = new Writable({ highWaterMark: 1, write: (_chunk, _encoding, done) => setImmediate(done) });
    const context = { exportId: 1, exportType: 'TOLLS', title: 'Tolls', columns: ${JSON.stringify(COLUMNS)}, filters: {}, totalRecords: 0, generatedAt: new Date() };
    const writer = new ${writerClass}().open(out, context);
    // 100 rows a batch: more than the xlsx sheet entry's 16 KB buffer, so it waits too.
    const rows = Array.from({ length: 100 }, (_, i) => [i, 'Ann Lee', '2024-02-01 00:00:01', '2024-02-29', '12.50', 'note']);
    const waitFor = async (n) => { for (let i = 0; i < n; i++) await writer.write(rows); };
    (async () => {
      await waitFor(500);
      gc(); gc();
      const before = process.memoryUsage().heapUsed;
      await waitFor(${waits});
      gc(); gc();
      process.stdout.write(String(process.memoryUsage().heapUsed - before));
      await writer.finish();
    })();
  `;
  return Number(execFileSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' }));
}

describe('writers under backpressure', () => {
  // 10,000 waits: a few hundred bytes each kept for the export's life would be megabytes.
  it.each([
    ['csv.writer', 'CsvWriter'],
    ['json.writer', 'JsonWriter'],
    ['xlsx.writer', 'XlsxWriter'],
  ])('%s keeps nothing per wait for drain', (module, writerClass) => {
    expect(heapGrowthOverWaits(module, writerClass, 10_000)).toBeLessThan(1_000_000);
  });
});
