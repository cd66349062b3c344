import type { Writable } from 'node:stream';

export interface CompressedOutput {
  /** Where the writer writes. */
  readonly stream: Writable;
  /** Settles once everything written to `stream` has reached the file, or with the first error. */
  readonly done: Promise<void>;
}
