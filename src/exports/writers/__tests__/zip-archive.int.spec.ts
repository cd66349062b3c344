import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { ZipArchive } from '../zip-archive';

const ROOT = join(__dirname, '../../../..');

/**
 * Pins what the xlsx writer and zip compression rely on from yazl, read back by Python's zipfile:
 * an upgrade that changes any of it fails here rather than in a user's Excel.
 */
const LOCAL_HEADER = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;

interface EntryInfo {
  name: string;
  method: number;
  flags: number;
  size: number;
  crc: number;
}

function entriesOf(path: string): EntryInfo[] {
  const script = [
    'import json, sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'assert z.testzip() is None',
    'print(json.dumps([dict(name=i.filename, method=i.compress_type, flags=i.flag_bits, size=i.file_size, crc=i.CRC) for i in z.infolist()]))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' })) as EntryInfo[];
}

describe('ZipArchive on yazl (what the writers rely on)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'zip-archive-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function archive(level: number, fill: (zip: ZipArchive) => Promise<void>): Promise<string> {
    const path = join(dir, `level-${level}.zip`);
    const zip = new ZipArchive(createWriteStream(path), level);
    await fill(zip);
    zip.end();
    await zip.done;
    return path;
  }

  async function writeEntry(zip: ZipArchive, name: string, chunks: string[]): Promise<void> {
    const entry = zip.entry(name);
    for (const chunk of chunks) if (!entry.write(chunk)) await new Promise((resolve) => entry.once('drain', resolve));
    entry.end();
  }

  const body = Array.from({ length: 2000 }, (_, i) => `row ${i},${'x'.repeat(i % 50)}\n`);

  it('writes entries in the order they are added, streamed ones with a signed data descriptor after their data', async () => {
    const path = await archive(1, async (zip) => {
      zip.file('[Content_Types].xml', '<Types/>');
      await writeEntry(zip, 'xl/worksheets/sheet1.xml', body);
      zip.file('xl/workbook.xml', '<workbook/>');
    });
    const entries = entriesOf(path);
    expect(entries.map((entry) => entry.name)).toEqual(['[Content_Types].xml', 'xl/worksheets/sheet1.xml', 'xl/workbook.xml']);
    const streamed = entries[1];
    expect(streamed.size).toBe(Buffer.byteLength(body.join('')));
    // bit 3: sizes and CRC follow the data, which is how an entry of unknown length is streamed
    expect(streamed.flags & 0x8).toBe(0x8);
    const bytes = readFileSync(path);
    expect(bytes.readUInt32LE(0)).toBe(LOCAL_HEADER);
    const signature = Buffer.alloc(4);
    signature.writeUInt32LE(DATA_DESCRIPTOR);
    expect(bytes.indexOf(signature)).toBeGreaterThan(0);
  });

  it('honours the compression level per entry: 0 stores, 1 and above deflate', async () => {
    const stored = entriesOf(await archive(0, (zip) => writeEntry(zip, 'a.csv', body)));
    const deflated = entriesOf(await archive(1, (zip) => writeEntry(zip, 'a.csv', body)));
    expect(stored[0].method).toBe(0);
    expect(deflated[0].method).toBe(8);
    expect(readFileSync(join(dir, 'level-1.zip')).length).toBeLessThan(readFileSync(join(dir, 'level-0.zip')).length);
  });

  it('reads each entry back byte for byte', async () => {
    const path = await archive(1, (zip) => writeEntry(zip, 'ünïcode €.csv', body));
    expect(execFileSync('unzip', ['-p', path], { encoding: 'utf8' })).toBe(body.join(''));
  });

  it("checksums entries with zlib's crc32, handed to yazl's own buffer-crc32, and the checksums verify", async () => {
    // Under jest, modules load through jest's registry; in node (the worker) yazl's require and the
    // one zip-archive resolves it with share one cache, so the check runs in a node of its own.
    const check = [
      `const { entryCrc32 } = require(${JSON.stringify(join(ROOT, 'dist/src/exports/writers/zip-archive'))});`,
      "const yazl = require.resolve('yazl', { paths: [process.cwd()] });",
      "const used = require.cache[require('node:module').createRequire(yazl).resolve('buffer-crc32')];",
      'process.stdout.write(String(used !== undefined && used.exports.unsigned === entryCrc32));',
    ].join('\n');
    expect(execFileSync(process.execPath, ['-e', check], { cwd: ROOT, encoding: 'utf8' })).toBe('true');
    const entries = entriesOf(await archive(1, (zip) => writeEntry(zip, 'a.csv', body)));
    expect(entries[0].crc).toBe(crc32(body.join('')));
  });

  it('is all the writers use to build a workbook: no exceljs (or its internals) outside the tests', () => {
    const hits = execFileSync('git', ['grep', '-l', '-E', "from '(exceljs|yazl)", '--', 'src', ':(exclude)src/**/__tests__/**'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(hits.trim().split('\n')).toEqual(['src/exports/writers/zip-archive.ts']);
  });
});
