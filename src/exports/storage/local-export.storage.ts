import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, opendir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import type { ByteRange } from '../byte-range';
import { ExportStorage } from './export-storage';
import type { PartialFile, PendingFile, StoredFile } from './export-storage';
import { writebackFs } from './writeback-fs';

const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function assertSafeKey(key: string): void {
  if (!SAFE_KEY.test(key) || key.includes('..')) throw new Error(`Refusing unsafe storage key ${JSON.stringify(key)}`);
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Files under EXPORT_DIR; partial files sit in EXPORT_DIR/.partial and are renamed in when complete. */
@Injectable()
export class LocalExportStorage extends ExportStorage {
  private readonly dir: string;
  private readonly partialDir: string;

  constructor(config: AppConfig) {
    super();
    this.dir = config.exportDir;
    this.partialDir = join(config.exportDir, '.partial');
  }

  async create(key: string): Promise<PendingFile> {
    assertSafeKey(key);
    await mkdir(this.partialDir, { recursive: true });
    const partialPath = join(this.partialDir, key);
    const finalPath = join(this.dir, key);
    const stream = createWriteStream(partialPath, { flags: 'wx', highWaterMark: 1 << 20, fs: writebackFs() });
    const opened = new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    await opened;
    let renamed = false;
    const discard = async (): Promise<void> => {
      stream.destroy();
      await rm(partialPath, { force: true });
      // The attempt can still fail after commit (recording it in the database): no file without a job.
      if (renamed) await rm(finalPath, { force: true });
    };
    return {
      stream,
      discard,
      commit: async () => {
        if (!stream.writableFinished) await finished(stream);
        await fsyncPath(partialPath);
        await rename(partialPath, finalPath);
        renamed = true;
        await fsyncPath(this.dir);
        return (await stat(finalPath)).size;
      },
    };
  }

  async open(key: string, range?: ByteRange): Promise<StoredFile | undefined> {
    assertSafeKey(key);
    const path = join(this.dir, key);
    try {
      const { size } = await stat(path);
      return { stream: createReadStream(path, range && { start: range.start, end: range.end }), size };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async *partialFiles(): AsyncIterable<PartialFile> {
    const dir = await opendir(this.partialDir).catch((error: unknown) => {
      if (isMissing(error)) return undefined;
      throw error;
    });
    if (!dir) return;
    for await (const entry of dir) {
      if (!entry.isFile() || !SAFE_KEY.test(entry.name)) continue;
      const path = join(this.partialDir, entry.name);
      let writtenAt: Date;
      try {
        writtenAt = (await stat(path)).mtime;
      } catch (error) {
        // Committed (renamed) or discarded since the listing.
        if (isMissing(error)) continue;
        throw error;
      }
      yield { key: entry.name, writtenAt, remove: () => rm(path, { force: true }) };
    }
  }

  async remove(key: string): Promise<void> {
    assertSafeKey(key);
    await rm(join(this.dir, key), { force: true });
  }
}
