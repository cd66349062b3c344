import { createHash } from 'node:crypto';
import parseRange from 'range-parser';

/** Inclusive byte positions of a file, as in `Content-Range: bytes start-end/size`. */
export interface ByteRange {
  start: number;
  end: number;
}

/** The conditional-range headers of a download request, as sent. */
export interface RangeHeaders {
  range?: string;
  ifRange?: string;
}

/** What a download answers: the whole file (200), one part of it (206), or nothing (416). */
export type RangeSelection = { kind: 'whole' } | { kind: 'part'; range: ByteRange } | { kind: 'unsatisfiable' };

const WHOLE: RangeSelection = { kind: 'whole' };

/**
 * RFC 9110 §14 for a file of `size` bytes whose strong entity tag is `etag`. The whole file is
 * served when there is no Range, when If-Range is not that tag (a stale or weak tag, or a date:
 * dates are not compared), when Range is malformed or not in bytes (a server may ignore it), and
 * when it asks for several ranges (a server may answer those with the whole file; it saves
 * multipart/byteranges). Ranges are parsed by range-parser, as express's `send` does, except
 * where it departs from RFC 9110: a spec whose last byte comes before its first (`bytes=5-2`) is
 * invalid, so ignored, and a suffix longer than the file (`bytes=-K`, K > size) means the whole file.
 */
export function selectRange(size: number, etag: string, { range, ifRange }: RangeHeaders): RangeSelection {
  if (range === undefined || !/^bytes=/i.test(range)) return WHOLE;
  if (ifRange !== undefined && ifRange.trim() !== etag) return WHOLE;
  const single = /^bytes=\s*(\d*)-(\d*)\s*$/i.exec(range);
  if (single && single[1] !== '' && single[2] !== '' && Number(single[2]) < Number(single[1])) return WHOLE;
  if (single && single[1] === '' && Number(single[2]) > size && size > 0) return { kind: 'part', range: { start: 0, end: size - 1 } };
  const ranges = parseRange(size, range);
  if (ranges === -2) return WHOLE;
  if (ranges === -1) return { kind: 'unsatisfiable' };
  if (ranges.length !== 1) return WHOLE;
  const [{ start, end }] = ranges;
  return { kind: 'part', range: { start, end } };
}

/** Whether the response begins at the file's first byte: a new download rather than a resumed one. */
export function startsAtFirstByte(selection: RangeSelection): boolean {
  return selection.kind === 'whole' || (selection.kind === 'part' && selection.range.start === 0);
}

/**
 * A strong entity tag of a stored file. Files are never rewritten under a key, and every attempt
 * writes under a key of its own (`<id>-<uuid>.<ext>`), so the key and size identify the bytes.
 */
export function storedFileEtag(storageKey: string, size: number): string {
  return `"${createHash('sha256').update(`${storageKey}\0${size}`).digest('base64url').slice(0, 27)}"`;
}
