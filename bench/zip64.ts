/**
 * The ZIP64 path, by hand (too slow for `npm test`): streams more than 4 GiB of generated CSV through
 * the export's own CsvWriter and zip output into a file, then has Info-ZIP check it: `unzip -t`
 * (every CRC), `unzip -Zl` (the entry's size equals the bytes written) and `zipinfo -v` (ZIP64
 * fields), and Python's zipfile reads the central directory.
 *
 *   npm run -s bench:zip64 -- [--gib 4.5] [--keep]
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FileColumn } from '../src/exports/query/export-query.provider';
import { compressedOutput } from '../src/exports/writers/compression';
import { CsvWriter } from '../src/exports/writers/csv.writer';
import type { ExportRow } from '../src/exports/writers/export-writer';

const GIB = 1024 ** 3;
const BATCH = 5000;
const ENTRY = 'zip64_bench.csv';

const COLUMNS: FileColumn[] = [
  { key: 'id', header: 'ID', type: 'integer' },
  { key: 'transaction_id', header: 'Transaction ID', type: 'text' },
  { key: 'transaction_date', header: 'Transaction Date', type: 'datetime' },
  { key: 'posting_date', header: 'Posting Date', type: 'date' },
  { key: 'plate_number', header: 'Plate', type: 'text' },
  { key: 'entry_plaza', header: 'Entry Plaza', type: 'text' },
  { key: 'amount', header: 'Amount', type: 'decimal' },
  { key: 'driver_name', header: 'Driver Name', type: 'text' },
];
const PLAZAS = ['GEORGE WASHINGTON BRIDGE', 'LINCOLN TUNNEL', 'HOLLAND TUNNEL', 'VERRAZZANO-NARROWS BRIDGE', 'BAYONNE BRIDGE'];
const NAMES = ['José Núñez', 'Ann Lee', 'Rita Moreno', 'Omar Haddad', 'Mei Chen', 'Tom O"Brien'];

/** A row of toll-like values, varied enough that deflate does real work. */
function row(id: number): ExportRow {
  const mix = Math.imul(id, 2654435761) >>> 0;
  const day = String(1 + (mix % 28)).padStart(2, '0');
  const time = `${String(mix % 24).padStart(2, '0')}:${String((mix >>> 5) % 60).padStart(2, '0')}:${String((mix >>> 11) % 60).padStart(2, '0')}`;
  return [
    id,
    `EZ${mix.toString(36).toUpperCase().padStart(8, '0')}`,
    `2024-01-${day} ${time}`,
    `2024-02-${day}`,
    `T${(mix % 900_000) + 100_000}C`,
    PLAZAS[mix % PLAZAS.length],
    ((mix % 4000) / 100 + 1).toFixed(2),
    NAMES[(mix >>> 3) % NAMES.length],
  ];
}

/** Counts the bytes the writer writes, on their way into the archive. */
class ByteCounter extends PassThrough {
  bytes = 0;
  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    super._transform(chunk, encoding, callback);
  }
}

const peakRssMb = (): number => Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024);

function run(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
}

async function main(): Promise<void> {
  const gibIndex = process.argv.indexOf('--gib');
  const target = (gibIndex > 0 ? Number(process.argv[gibIndex + 1]) : 4.25) * GIB;
  const keep = process.argv.includes('--keep');
  const dir = mkdtempSync(join(tmpdir(), 'zip64-bench-'));
  const path = join(dir, `${ENTRY}.zip`);
  const started = Date.now();
  try {
    const file = createWriteStream(path, { highWaterMark: 1 << 20 });
    const output = compressedOutput(file, 'zip', ENTRY);
    const counter = new ByteCounter();
    const piped = pipeline(counter, output.stream);
    const writer = new CsvWriter().open(counter, {
      exportId: 0,
      exportType: 'BENCH',
      title: 'ZIP64 benchmark',
      columns: COLUMNS,
      filters: {},
      totalRecords: Number.MAX_SAFE_INTEGER,
      generatedAt: new Date(),
    });
    let rows = 0;
    let reported = 0;
    while (counter.bytes < target) {
      await writer.write(Array.from({ length: BATCH }, () => row(++rows)));
      if (counter.bytes - reported >= GIB / 2) {
        reported = counter.bytes;
        const seconds = (Date.now() - started) / 1000;
        console.log(
          `${(counter.bytes / GIB).toFixed(2)} GiB, ${rows.toLocaleString('en-US')} rows, ${Math.round(counter.bytes / 2 ** 20 / seconds)} MiB/s, peak RSS ${peakRssMb()} MB`,
        );
      }
    }
    await writer.finish();
    await Promise.all([piped, output.done]);
    const writeSeconds = (Date.now() - started) / 1000;
    const zipBytes = statSync(path).size;
    console.log(
      `wrote ${counter.bytes} bytes (${(counter.bytes / GIB).toFixed(3)} GiB) of CSV, ${rows} rows, into ${zipBytes} bytes of zip in ${writeSeconds.toFixed(1)} s; peak RSS ${peakRssMb()} MB`,
    );

    const listing = run('unzip', ['-Zl', path]);
    const entry = /^\S{10}\s+\S+\s+\S+\s+(\d+)\s+\S+\s+(\d+)\s+\S+\s+\S+\s+\S+\s+(.+)$/m.exec(listing);
    if (!entry || entry[3] !== ENTRY || Number(entry[1]) !== counter.bytes || Number(entry[2]) + 100 > zipBytes) {
      throw new Error(`unzip -Zl does not list ${ENTRY} with ${counter.bytes} bytes:\n${listing}`);
    }
    console.log(`unzip -Zl: ${entry[0]}`);
    const details = run('zipinfo', ['-v', path]);
    const version = /minimum software version required to extract:\s+(\S+)/.exec(details)?.[1];
    const size = /uncompressed size:\s+(\d+) bytes/.exec(details)?.[1];
    console.log(`zipinfo -v: version needed to extract ${version}, uncompressed size ${size} bytes`);
    if (version !== '4.5' || Number(size) !== counter.bytes) throw new Error(`zipinfo -v does not show a ZIP64 entry:\n${details}`);
    const python = run('python3', [
      '-c',
      'import json, sys, zipfile\ni = zipfile.ZipFile(sys.argv[1]).infolist()[0]\nprint(json.dumps([i.filename, i.file_size, i.compress_size]))',
      path,
    ]).trim();
    console.log(`python zipfile: ${python}`);
    if (JSON.stringify(JSON.parse(python)) !== JSON.stringify([ENTRY, counter.bytes, Number(entry[2])])) {
      throw new Error('Python reads other sizes');
    }
    const testStarted = Date.now();
    const test = run('unzip', ['-t', path]);
    if (!/No errors detected/.test(test)) throw new Error(`unzip -t failed:\n${test}`);
    console.log(`unzip -t: ${test.trim().split('\n').slice(-2).join(' | ')} (${((Date.now() - testStarted) / 1000).toFixed(1)} s)`);
  } finally {
    if (keep) console.log(`kept ${path}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
