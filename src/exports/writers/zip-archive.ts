import type { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DEFAULT_COMPRESSION_LEVEL } from '../../config/app-config';
import type { CompressedOutput } from './compressed-output';
import { ParallelDeflate, Stored } from './parallel-deflate';
import type { Checksummed } from './parallel-deflate';

// Record signatures and fields of PKWARE's APPNOTE.TXT (6.3.10).
const LOCAL_FILE_HEADER = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_EXTRA = 0x0001;
/** Bit 3: CRC and sizes follow the data; bit 11: the name is UTF-8. */
const FLAGS = 0x0808;
const STORED = 0;
const DEFLATED = 8;
const VERSION_NEEDED = 20;
const VERSION_NEEDED_ZIP64 = 45;
/** Made on Unix (3), to version 4.5 of the format: the file modes below are Unix ones. */
const VERSION_MADE_BY = (3 << 8) | VERSION_NEEDED_ZIP64;
/** A regular file, rw-r--r--, in the high half of the external attributes. */
const EXTERNAL_ATTRIBUTES = (0o100644 << 16) >>> 0;
const MAX_16 = 0xffff;
const MAX_32 = 0xffffffff;

type EntryBody = Transform & Checksummed;

interface Entry {
  readonly name: Buffer;
  readonly method: number;
  readonly body: EntryBody;
}

interface CentralRecord {
  readonly entry: Entry;
  readonly offset: number;
  readonly compressedSize: number;
  readonly zip64: boolean;
}

/** MS-DOS date and time, in local time as zip tools read them. */
function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.min(Math.max(date.getFullYear(), 1980), 2107);
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

const u64 = (buffer: Buffer, value: number, at: number): number => buffer.writeBigUInt64LE(BigInt(value), at);

/**
 * A zip archive streamed to `file` while its entries are written, one after another in the order
 * they are added: no entry is held anywhere, and `file`'s backpressure reaches the entry's writer.
 * Entries are deflated by ParallelDeflate (level 0 stores them). Their sizes and CRC are unknown
 * until their end, so each has a data descriptor after its data (with the signature macOS Archive
 * Utility needs) and its sizes in the central directory; an entry, or the directory, switches to
 * ZIP64 only past 4 GiB or 65,535 entries. Written here rather than on yazl, which deflates each
 * entry on one core and cannot take data already deflated. Read back by Python's zipfile, Info-ZIP
 * and LibreOffice in the tests.
 */
export class ZipArchive {
  /** Settles once the whole archive has reached the file, or with the first error. */
  readonly done: Promise<void>;
  private readonly queue: Entry[] = [];
  private readonly entries: Entry[] = [];
  private readonly stamp = dosDateTime(new Date());
  private wake?: () => void;
  private ended = false;

  constructor(
    file: Writable,
    private readonly level = DEFAULT_COMPRESSION_LEVEL,
    private readonly forceZip64 = false,
  ) {
    this.done = pipeline(this.archive(), file);
    // A failed file fails the entry writers (waiting on a drain that would never come).
    this.done.catch((error: unknown) => {
      for (const entry of this.entries) entry.body.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  }

  /** An entry whose content is written to the returned stream (and ended there). */
  entry(name: string): Writable {
    const body: EntryBody = this.level === 0 ? new Stored() : new ParallelDeflate(this.level);
    const entry = { name: Buffer.from(name), method: this.level === 0 ? STORED : DEFLATED, body };
    // Its failures reach its writer (write, drain) and the archive (`done`); none may go unhandled.
    body.on('error', () => undefined);
    this.entries.push(entry);
    this.queue.push(entry);
    this.wake?.();
    return body;
  }

  /** An entry whose whole content is at hand. */
  file(name: string, content: string): void {
    this.entry(name).end(content);
  }

  /** No more entries: the archive ends once those added are written. */
  end(): void {
    this.ended = true;
    this.wake?.();
  }

  private async next(): Promise<Entry | undefined> {
    while (this.queue.length === 0 && !this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = undefined;
    return this.queue.shift();
  }

  private async *archive(): AsyncGenerator<Buffer> {
    const records: CentralRecord[] = [];
    let offset = 0;
    for (let entry = await this.next(); entry; entry = await this.next()) {
      const header = this.localHeader(entry);
      yield header;
      let compressedSize = 0;
      // Not destroyed here when the file fails: the catch in the constructor fails it with the file's error.
      for await (const chunk of entry.body.iterator({ destroyOnReturn: false })) {
        compressedSize += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
      const zip64 = this.forceZip64 || entry.body.size > MAX_32 || compressedSize > MAX_32 || offset > MAX_32;
      const descriptor = dataDescriptor(entry.body, compressedSize, zip64);
      yield descriptor;
      records.push({ entry, offset, compressedSize, zip64 });
      offset += header.length + compressedSize + descriptor.length;
    }
    let directorySize = 0;
    for (const record of records) {
      const header = this.centralHeader(record);
      directorySize += header.length;
      yield header;
    }
    yield this.endOfDirectory(records.length, directorySize, offset);
  }

  private localHeader({ name, method }: Entry): Buffer {
    const header = Buffer.alloc(30 + name.length);
    header.writeUInt32LE(LOCAL_FILE_HEADER, 0);
    header.writeUInt16LE(this.forceZip64 ? VERSION_NEEDED_ZIP64 : VERSION_NEEDED, 4);
    header.writeUInt16LE(FLAGS, 6);
    header.writeUInt16LE(method, 8);
    header.writeUInt16LE(this.stamp.time, 10);
    header.writeUInt16LE(this.stamp.date, 12);
    // CRC, sizes (14-25) are zero: they are in the data descriptor; no extra field (28)
    header.writeUInt16LE(name.length, 26);
    name.copy(header, 30);
    return header;
  }

  private centralHeader({ entry, offset, compressedSize, zip64 }: CentralRecord): Buffer {
    const { name, method, body } = entry;
    // ZIP64's extra field holds, in this order, the sizes and offset that do not fit their fields.
    const large = zip64 ? [body.size, compressedSize, offset] : [];
    const extraLength = large.length ? 4 + 8 * large.length : 0;
    const header = Buffer.alloc(46 + name.length + extraLength);
    header.writeUInt32LE(CENTRAL_FILE_HEADER, 0);
    header.writeUInt16LE(VERSION_MADE_BY, 4);
    header.writeUInt16LE(zip64 ? VERSION_NEEDED_ZIP64 : VERSION_NEEDED, 6);
    header.writeUInt16LE(FLAGS, 8);
    header.writeUInt16LE(method, 10);
    header.writeUInt16LE(this.stamp.time, 12);
    header.writeUInt16LE(this.stamp.date, 14);
    header.writeUInt32LE(body.crc >>> 0, 16);
    header.writeUInt32LE(zip64 ? MAX_32 : compressedSize, 20);
    header.writeUInt32LE(zip64 ? MAX_32 : body.size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt16LE(extraLength, 30);
    // comment length, disk, internal attributes (32-37) are zero
    header.writeUInt32LE(EXTERNAL_ATTRIBUTES, 38);
    header.writeUInt32LE(zip64 ? MAX_32 : offset, 42);
    name.copy(header, 46);
    if (extraLength) {
      let at = 46 + name.length;
      at = header.writeUInt16LE(ZIP64_EXTRA, at);
      at = header.writeUInt16LE(extraLength - 4, at);
      for (const value of large) at = u64(header, value, at);
    }
    return header;
  }

  private endOfDirectory(count: number, directorySize: number, directoryOffset: number): Buffer {
    const zip64 = this.forceZip64 || count > MAX_16 || directorySize > MAX_32 || directoryOffset > MAX_32;
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
    // disk numbers (4-7) are zero
    end.writeUInt16LE(zip64 ? MAX_16 : count, 8);
    end.writeUInt16LE(zip64 ? MAX_16 : count, 10);
    end.writeUInt32LE(zip64 ? MAX_32 : directorySize, 12);
    end.writeUInt32LE(zip64 ? MAX_32 : directoryOffset, 16);
    if (!zip64) return end;
    const record = Buffer.alloc(56);
    record.writeUInt32LE(ZIP64_END_OF_CENTRAL_DIRECTORY, 0);
    u64(record, record.length - 12, 4);
    record.writeUInt16LE(VERSION_MADE_BY, 12);
    record.writeUInt16LE(VERSION_NEEDED_ZIP64, 14);
    // disk numbers (16-23) are zero
    u64(record, count, 24);
    u64(record, count, 32);
    u64(record, directorySize, 40);
    u64(record, directoryOffset, 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(ZIP64_END_LOCATOR, 0);
    u64(locator, directoryOffset + directorySize, 8);
    locator.writeUInt32LE(1, 16);
    return Buffer.concat([record, locator, end]);
  }
}

function dataDescriptor(body: Checksummed, compressedSize: number, zip64: boolean): Buffer {
  const descriptor = Buffer.alloc(zip64 ? 24 : 16);
  descriptor.writeUInt32LE(DATA_DESCRIPTOR, 0);
  descriptor.writeUInt32LE(body.crc >>> 0, 4);
  if (zip64) {
    u64(descriptor, compressedSize, 8);
    u64(descriptor, body.size, 16);
  } else {
    descriptor.writeUInt32LE(compressedSize, 8);
    descriptor.writeUInt32LE(body.size, 12);
  }
  return descriptor;
}

/** A zip archive of one entry, `entryName`: the writer writes the entry. */
export function zipArchive(file: Writable, entryName: string, level?: number): CompressedOutput {
  const archive = new ZipArchive(file, level);
  const stream = archive.entry(entryName);
  archive.end();
  return { stream, done: archive.done };
}
