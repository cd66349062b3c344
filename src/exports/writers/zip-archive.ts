import { PassThrough } from 'node:stream';
import type { Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import type { CompressedOutput } from './compression';

/**
 * A zip archive of one entry, `entryName`, written to `file` while the writer writes the entry: no
 * copy of the whole file anywhere, and backpressure from `file` reaches the writer through yazl's
 * pipes. The size and CRC are unknown until the end, so yazl puts them in a data descriptor after
 * the data (with the signature macOS Archive Utility needs) and in the central directory, switching
 * the entry to ZIP64 only if it passes 4 GiB.
 */
export function zipArchive(file: Writable, entryName: string): CompressedOutput {
  const entry = new PassThrough();
  const zip = new ZipFile();
  const archive = zip.outputStream as PassThrough;
  zip.on('error', (error: Error) => archive.destroy(error));
  zip.addReadStream(entry, entryName);
  zip.end();
  const done = pipeline(archive, file);
  // yazl does not pass failures along its pipes: a failed file fails the writer, and an aborted
  // writer (entry destroyed before its end) fails the file, as with gzip.
  done.catch((error: unknown) => entry.destroy(error instanceof Error ? error : new Error(String(error))));
  finished(entry).catch((error: unknown) => archive.destroy(error instanceof Error ? error : new Error(String(error))));
  return { stream: entry, done };
}
