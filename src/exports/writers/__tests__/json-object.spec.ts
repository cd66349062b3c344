import { Writable } from 'node:stream';
import { JsonObjectFormat } from '../json-object';
import { TextChunks } from '../text-chunks';

describe(JsonObjectFormat.name, () => {
  const objects = new JsonObjectFormat([{ key: 'note', header: 'Note', type: 'text' }]);
  /** The row's object as the file gets it, read back as UTF-8. */
  const written = (row: unknown[]): string => {
    const bytes: Buffer[] = [];
    const text = new TextChunks(new Writable({ write: (chunk: Buffer, _encoding, done) => done(void bytes.push(chunk)) }));
    objects.write(row, text);
    text.end();
    return Buffer.concat(bytes).toString('utf8');
  };
  const expected = (value: string) => `{"note":${JSON.stringify(value)}}`;

  it('writes every single UTF-16 code unit as JSON.stringify does (quotes, backslashes, controls, lone surrogates)', () => {
    const differing: number[] = [];
    for (let unit = 0; unit <= 0xffff; unit++) {
      const value = `a${String.fromCharCode(unit)}b`;
      if (written([value]) !== expected(value)) differing.push(unit);
    }
    expect(differing).toEqual([]);
  });

  it.each([
    ['plain text', 'ROBERT F. KENNEDY BRIDGE'],
    ['the empty string', ''],
    ['quotes and backslashes', 'say "hi" \\ bye'],
    ['line breaks and tabs', 'one\r\ntwo\tthree'],
    ['a surrogate pair', 'cab 🚕 fare'],
    ['a lone high surrogate at the end', 'cut \ud83d'],
    ['a lone low surrogate at the start', '\ude95 cut'],
    ['line and paragraph separators', 'a\u2028b\u2029c'],
    ['DEL and non-ASCII letters', 'José Núñez\u007f'],
  ])('writes %s as JSON.stringify does, and as JSON that reads back', (_name, value) => {
    const text = written([value]);
    expect(text).toBe(expected(value));
    expect(JSON.parse(text)).toEqual({ note: value });
  });

  it('writes a non-string value of a text column as JSON.stringify does', () => {
    expect(written([42])).toBe('{"note":42}');
  });
});
