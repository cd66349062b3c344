import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { DEFLATE_BLOCK_BYTES, ParallelDeflate } from '../parallel-deflate';

/** Rows of sheet-like XML, `bytes` long or a little more: repetitive enough that the dictionary matters. */
function xmlRows(bytes: number): Buffer {
  const rows: string[] = [];
  let length = 0;
  for (let i = 0; length < bytes; i++) {
    const row = `<row r="${i}"><c r="A${i}"><v>${i * 7}</v></c><c r="B${i}" t="str"><v>plate ${(i * 7919) % 10007}</v></c></row>`;
    rows.push(row);
    length += row.length;
  }
  return Buffer.from(rows.join(''));
}

async function deflated(input: Buffer, chunkBytes: number, parallelism?: number): Promise<{ output: Buffer; deflate: ParallelDeflate }> {
  const deflate = new ParallelDeflate(1, parallelism);
  const parts: Buffer[] = [];
  const sink = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _encoding, callback) {
      parts.push(chunk);
      setImmediate(callback); // a slow reader: the deflater's output backs up
    },
  });
  const writing = pipeline(deflate, sink);
  for (let at = 0; at < input.length; at += chunkBytes) {
    if (!deflate.write(input.subarray(at, at + chunkBytes))) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await writing;
  return { output: Buffer.concat(parts), deflate };
}

describe('ParallelDeflate', () => {
  it.each([
    ['empty', 0],
    ['less than a block', 1000],
    ['exactly one block', DEFLATE_BLOCK_BYTES],
    ['several blocks and a part', 5 * DEFLATE_BLOCK_BYTES + 12_345],
  ])('is one raw deflate stream of its input: %s', async (_name, bytes) => {
    const input = xmlRows(bytes).subarray(0, bytes);
    const { output, deflate } = await deflated(input, 65_536);
    expect(inflateRawSync(output).equals(input)).toBe(true);
    expect(deflate.size).toBe(input.length);
    expect(deflate.crc).toBe(crc32(input));
  });

  it('takes chunks of any size, larger than a block included, in order', async () => {
    const input = randomBytes(3 * DEFLATE_BLOCK_BYTES + 7);
    for (const chunk of [1, 4099, 2 * DEFLATE_BLOCK_BYTES + 1]) {
      const sample = chunk === 1 ? input.subarray(0, 20_000) : input;
      const { output } = await deflated(sample, chunk, 2);
      expect(inflateRawSync(output).equals(sample)).toBe(true);
    }
  });

  it('compresses as well as one stream: each block starts from the window of the one before', async () => {
    // 16 KiB of noise over and over: a block that started cold would spend 16 KiB on it again
    const noise = randomBytes(16_384);
    const input = Buffer.concat(Array.from({ length: (8 * DEFLATE_BLOCK_BYTES) / noise.length }, () => noise));
    const { output } = await deflated(input, 65_536);
    const oneStream = deflateRawSync(input, { level: 1 }).length;
    expect(output.length).toBeLessThan(oneStream * 1.05);
    const xml = xmlRows(8 * DEFLATE_BLOCK_BYTES);
    expect((await deflated(xml, 65_536)).output.length).toBeLessThan(deflateRawSync(xml, { level: 1 }).length * 1.01);
  });

  it('fails its writer when it is destroyed with an error', async () => {
    const deflate = new ParallelDeflate(1);
    const failed = new Promise((resolve) => deflate.once('error', resolve));
    deflate.write(xmlRows(2 * DEFLATE_BLOCK_BYTES));
    deflate.destroy(new Error('disk full'));
    await expect(failed).resolves.toEqual(new Error('disk full'));
  });
});
