import { Writable } from 'node:stream';
import { asciiStops, CHUNK_BYTES, NO_STOPS, TextChunks } from '../text-chunks';

/** An output that keeps every write; a slow one finishes each later, so `highWaterMark` bytes can wait in it. */
function output(highWaterMark = 16 * CHUNK_BYTES, slow = false): { out: Writable; writes: Buffer[]; bytes: () => Buffer } {
  const writes: Buffer[] = [];
  const out = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      writes.push(chunk);
      if (slow) setImmediate(callback);
      else callback();
    },
  });
  return { out, writes, bytes: () => Buffer.concat(writes) };
}

/** What each text is in UTF-8 on its own: a lone surrogate at the end of one and the start of the next make no pair. */
const utf8 = (all: string[]): Buffer => Buffer.concat(all.map((text) => Buffer.from(text)));

/** A deterministic mix of ASCII, two-, three- and four-byte characters and lone surrogates. */
function texts(count: number): string[] {
  const pieces = ['a', 'Plaza', ' ', '"', ',', '\r\n', 'é', 'Ḏ', '中', '😀', '\ud800', '\udfff', '\u0000'];
  let seed = 7;
  const next = (): number => (seed = (seed * 48271) % 2147483647);
  return Array.from({ length: count }, () => Array.from({ length: next() % 40 }, () => pieces[next() % pieces.length]).join(''));
}

describe(TextChunks.name, () => {
  it('writes every UTF-16 code unit, and every surrogate pair, as Buffer.from encodes it', () => {
    const { out, bytes } = output();
    const chunks = new TextChunks(out);
    const all: string[] = [];
    for (let unit = 0; unit <= 0xffff; unit++) all.push(String.fromCharCode(unit));
    all.push('\ud83d\ude00', '\udbff\udfff', '\ud800\udc00');
    for (const text of all) chunks.add(text);
    chunks.end();
    expect(bytes().equals(utf8(all))).toBe(true);
  });

  it('keeps the order of texts around and across chunks, in chunks of at most CHUNK_BYTES', () => {
    const { out, writes, bytes } = output();
    const chunks = new TextChunks(out);
    const all = [...texts(20_000), 'x'.repeat(CHUNK_BYTES + 1), 'é'.repeat(CHUNK_BYTES), ...texts(5_000)];
    for (const text of all) chunks.add(text);
    chunks.end();
    expect(bytes().equals(utf8(all))).toBe(true);
    // Only the two texts longer than a chunk are written on their own.
    expect(writes.filter((write) => write.length > CHUNK_BYTES)).toHaveLength(2);
    expect(writes.length).toBeGreaterThan(5);
  });

  it('adds plain ASCII text as it is, and refuses without adding anything what it must not copy', () => {
    const { out, bytes } = output();
    const chunks = new TextChunks(out);
    const stops = asciiStops(',"\r\n');
    expect(chunks.plain('Plaza', stops)).toBe(true);
    chunks.ascii(44);
    for (const refused of ['a,b', 'say "hi"', 'two\nlines', 'cr\r', 'Ḏ1', 'café']) expect(chunks.plain(refused, stops)).toBe(false);
    expect(chunks.plain('a,b', NO_STOPS)).toBe(true);
    expect(chunks.plain('', stops)).toBe(true);
    chunks.end();
    expect(bytes().toString()).toBe('Plaza,a,b');
  });

  it('says after a batch whether the output asked to wait', () => {
    const { out } = output(CHUNK_BYTES, true);
    const chunks = new TextChunks(out);
    chunks.add('small');
    expect(chunks.end()).toBe(false);
    for (let i = 0; i < 3; i++) chunks.add('y'.repeat(CHUNK_BYTES - 10));
    expect(chunks.end()).toBe(true);
  });
});
