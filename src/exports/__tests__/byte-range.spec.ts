import { selectRange, startsAtFirstByte, storedFileEtag } from '../byte-range';

const SIZE = 1000;
const ETAG = storedFileEtag('7-3f0c.csv', SIZE);

describe(selectRange.name, () => {
  it.each([
    ['bytes=100-', { start: 100, end: 999 }],
    ['bytes=100-199', { start: 100, end: 199 }],
    ['bytes=-200', { start: 800, end: 999 }],
    ['bytes=0-0', { start: 0, end: 0 }],
    ['bytes=990-5000', { start: 990, end: 999 }],
    ['Bytes=5-9', { start: 5, end: 9 }],
    ['bytes=-5000', { start: 0, end: 999 }],
  ])('serves %s as one part', (range, part) => {
    expect(selectRange(SIZE, ETAG, { range })).toEqual({ kind: 'part', range: part });
  });

  it.each(['bytes=1000-', 'bytes=5000-6000', 'bytes=-0'])('refuses %s: no byte of the file is in it', (range) => {
    expect(selectRange(SIZE, ETAG, { range })).toEqual({ kind: 'unsatisfiable' });
  });

  it('refuses any range of an empty file', () => {
    expect(selectRange(0, ETAG, { range: 'bytes=0-' })).toEqual({ kind: 'unsatisfiable' });
  });

  it.each([
    ['no Range', undefined],
    ['several ranges', 'bytes=0-1,5-6'],
    ['a malformed Range', 'bytes=abc'],
    ['a Range without a dash', 'bytes=100'],
    ['a Range ending before it starts', 'bytes=5-2'],
    ['another unit', 'items=0-5'],
    ['no unit', '0-5'],
  ])('serves the whole file for %s', (_case, range) => {
    expect(selectRange(SIZE, ETAG, { range })).toEqual({ kind: 'whole' });
  });

  it('honours Range when If-Range is the current entity tag', () => {
    expect(selectRange(SIZE, ETAG, { range: 'bytes=10-', ifRange: ETAG })).toEqual({ kind: 'part', range: { start: 10, end: 999 } });
  });

  it.each([
    ['a stale entity tag', storedFileEtag('7-9d1e.csv', SIZE)],
    ['the weak form of the current tag', `W/${ETAG}`],
    ['a date', 'Wed, 21 Oct 2015 07:28:00 GMT'],
  ])('serves the whole file when If-Range is %s', (_case, ifRange) => {
    expect(selectRange(SIZE, ETAG, { range: 'bytes=10-', ifRange })).toEqual({ kind: 'whole' });
  });

  it('ignores If-Range without a Range', () => {
    expect(selectRange(SIZE, ETAG, { ifRange: ETAG })).toEqual({ kind: 'whole' });
  });
});

describe(startsAtFirstByte.name, () => {
  it('is true for the whole file and for parts from byte 0, false for resumes and refusals', () => {
    expect(startsAtFirstByte({ kind: 'whole' })).toBe(true);
    expect(startsAtFirstByte({ kind: 'part', range: { start: 0, end: 9 } })).toBe(true);
    expect(startsAtFirstByte({ kind: 'part', range: { start: 10, end: 99 } })).toBe(false);
    expect(startsAtFirstByte({ kind: 'unsatisfiable' })).toBe(false);
  });
});

describe(storedFileEtag.name, () => {
  it('is a strong tag, the same for the same file and different for another key or size', () => {
    expect(ETAG).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(storedFileEtag('7-3f0c.csv', SIZE)).toBe(ETAG);
    expect(storedFileEtag('7-9d1e.csv', SIZE)).not.toBe(ETAG);
    expect(storedFileEtag('7-3f0c.csv', SIZE + 1)).not.toBe(ETAG);
  });
});
