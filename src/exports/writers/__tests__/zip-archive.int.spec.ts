import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { DEFLATE_BLOCK_BYTES } from '../parallel-deflate';
import { ZipArchive } from '../zip-archive';

const ROOT = join(__dirname, '../../../..');

/** What the xlsx writer and zip compression rely on from ZipArchive, read back by Python's zipfile and Info-ZIP. */
const LOCAL_HEADER = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const ZIP64_END_LOCATOR = 0x07064b50;

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

describe('ZipArchive (what the writers rely on)', () => {
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

  it('checks out in Info-ZIP and in Python, checksums included, across many deflate blocks', async () => {
    const large = Array.from({ length: 60_000 }, (_, i) => `<row r="${i}"><c><v>${i * 31}</v></c></row>`);
    const path = await archive(1, async (zip) => {
      await writeEntry(zip, 'xl/worksheets/sheet1.xml', large);
      zip.file('xl/workbook.xml', '<workbook/>');
    });
    expect(Buffer.byteLength(large.join(''))).toBeGreaterThan(2 * DEFLATE_BLOCK_BYTES);
    const entries = entriesOf(path);
    expect(entries[0].crc).toBe(crc32(large.join('')));
    expect(entries[1].crc).toBe(crc32('<workbook/>'));
    expect(execFileSync('unzip', ['-tq', path], { encoding: 'utf8' })).toMatch(/No errors detected/);
    expect(execFileSync('unzip', ['-p', path, 'xl/worksheets/sheet1.xml'], { encoding: 'utf8', maxBuffer: 1 << 26 })).toBe(large.join(''));
  });

  it('writes ZIP64 records (entry sizes, offsets, end of directory) that Info-ZIP and Python read', async () => {
    const path = join(dir, 'zip64.zip');
    const zip = new ZipArchive(createWriteStream(path), 1, true);
    zip.file('a.csv', 'id\n1\n');
    await writeEntry(zip, 'b.csv', body);
    zip.end();
    await zip.done;
    const bytes = readFileSync(path);
    for (const signature of [ZIP64_END_OF_CENTRAL_DIRECTORY, ZIP64_END_LOCATOR]) {
      const mark = Buffer.alloc(4);
      mark.writeUInt32LE(signature);
      expect(bytes.indexOf(mark)).toBeGreaterThan(0);
    }
    expect(entriesOf(path).map((entry) => [entry.name, entry.size])).toEqual([
      ['a.csv', 5],
      ['b.csv', Buffer.byteLength(body.join(''))],
    ]);
    expect(execFileSync('zipinfo', ['-v', path], { encoding: 'utf8' })).toMatch(/zip64/i);
    expect(execFileSync('unzip', ['-p', path, 'b.csv'], { encoding: 'utf8' })).toBe(body.join(''));
  });

  it('fails the entry being written when the file fails', async () => {
    const file = createWriteStream(join(dir, 'missing', 'a.zip'));
    const zip = new ZipArchive(file, 1);
    const entry = zip.entry('a.csv');
    const failed = new Promise((resolve) => entry.once('error', resolve));
    entry.write(Buffer.alloc(3 * DEFLATE_BLOCK_BYTES));
    await expect(zip.done).rejects.toThrow(/ENOENT/);
    await expect(failed).resolves.toMatchObject({ message: expect.stringMatching(/ENOENT/) });
  });

  it('fails the archive when an entry is aborted before its end', async () => {
    const zip = new ZipArchive(createWriteStream(join(dir, 'aborted.zip')), 1);
    const entry = zip.entry('a.csv');
    entry.write('id\n');
    entry.destroy();
    await expect(zip.done).rejects.toThrow();
  });

  it('is all the writers use to build a workbook: no exceljs outside the tests', () => {
    const grep = spawnSync('git', ['grep', '-l', '-E', "from 'exceljs", '--', 'src', ':(exclude)src/**/__tests__/**'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect([grep.status, grep.stdout]).toEqual([1, '']);
  });
});
