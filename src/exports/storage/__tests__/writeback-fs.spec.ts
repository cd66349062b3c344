import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { writebackFs } from '../writeback-fs';

const KB = 1024;

/** Distinct bytes per chunk, so a chunk written twice, lost or out of order shows in the file. */
const chunk = (index: number, size: number): Buffer => Buffer.alloc(size, `${index};`);

describe(writebackFs.name, () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(join(tmpdir(), 'writeback-'));
  });

  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes every byte in order, single writes and buffered ones alike, syncing the file after each 64 KB', async () => {
    const syncs = jest.spyOn(fs, 'fdatasync');
    const buffered = jest.spyOn(fs, 'writev');
    const path = join(dir, 'out.csv');
    const stream = fs.createWriteStream(path, { flags: 'wx', fs: writebackFs(64 * KB) });
    let opened: number | undefined;
    stream.once('open', (fd: number) => (opened = fd));
    const chunks = Array.from({ length: 40 }, (_, index) => chunk(index, 5 * KB + index));
    // Written without waiting: while one write is on the thread pool, the rest queue and go out as one writev.
    for (const data of chunks) stream.write(data);
    stream.end();
    await finished(stream);

    expect(fs.readFileSync(path).equals(Buffer.concat(chunks))).toBe(true);
    expect(buffered).toHaveBeenCalled();
    const written = chunks.reduce((sum, data) => sum + data.length, 0);
    expect(syncs.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(syncs.mock.calls.length).toBeLessThanOrEqual(Math.floor(written / (64 * KB)));
    expect(syncs.mock.calls.map(([fd]) => fd)).toEqual(syncs.mock.calls.map(() => opened));
  });

  it('does not close the file while its sync is running', async () => {
    const events: string[] = [];
    const realSync = fs.fdatasync;
    jest.spyOn(fs, 'fdatasync').mockImplementation((fd, callback) => {
      events.push('sync started');
      setTimeout(() => realSync(fd, (error) => (events.push('sync done'), callback(error))), 50);
    });
    const realClose = fs.close;
    jest.spyOn(fs, 'close').mockImplementation((fd, callback) => {
      events.push('close');
      realClose(fd, callback);
    });
    const stream = fs.createWriteStream(join(dir, 'out.json'), { fs: writebackFs(KB) });
    stream.end(chunk(1, 2 * KB));
    await finished(stream);
    expect(events).toEqual(['sync started', 'sync done', 'close']);
  });

  it('fails the stream when a sync fails, so an export whose bytes may not be on disk is never committed', async () => {
    const failure = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    jest.spyOn(fs, 'fdatasync').mockImplementation((_fd, callback) => setImmediate(() => callback(failure)));
    const stream = fs.createWriteStream(join(dir, 'out.csv'), { fs: writebackFs(KB) });
    stream.write(chunk(1, 2 * KB));
    stream.end(chunk(2, 2 * KB));
    await expect(finished(stream)).rejects.toMatchObject({ code: 'EIO' });
  });
});
