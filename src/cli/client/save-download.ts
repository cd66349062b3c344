import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ExportStatusDto } from '../../exports/dto/export-status.dto';
import { CliFailure } from '../cli-errors';
import type { ExportsClient } from './exports-client';

/** The server names files `ezpass_2024-01-01_123.csv.gz`; anything else (a path, a dot file) is not used as a name. */
const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}$/;

export interface SavedFile {
  path: string;
  bytes: number;
}

/**
 * Saves a COMPLETED export's file into `dir` under the server's file name. The bytes go to a hidden
 * partial file first and are renamed into place only when complete and of the announced size.
 */
export async function saveDownload(client: ExportsClient, status: ExportStatusDto, dir: string): Promise<SavedFile> {
  const name = status.file_name && SAFE_NAME.test(status.file_name) ? status.file_name : `export-${status.export_id}`;
  const target = resolve(dir, name);
  const partial = join(resolve(dir), `.${name}.${process.pid}.partial`);
  await mkdir(dir, { recursive: true });
  try {
    await pipeline(await client.download(status.export_id), createWriteStream(partial, { flags: 'wx' }));
    const { size } = await stat(partial);
    if (status.file_size !== null && size !== status.file_size) {
      throw new CliFailure(`The download of export ${status.export_id} was cut short: ${size} of ${status.file_size} bytes`);
    }
    await rename(partial, target);
    return { path: target, bytes: size };
  } finally {
    await rm(partial, { force: true });
  }
}
