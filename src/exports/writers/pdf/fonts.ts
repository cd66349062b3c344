import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * OpenType layout tables. Without them fontkit (under pdfkit) places glyphs by cmap and advance
 * width alone instead of running its shaping engine on every distinct word, which cost ~18% of the
 * render time on tables full of unique IDs and timestamps. What goes is kerning and ligatures; a
 * table of values has no use for either, and the glyphs, and so every script Roboto covers, stay.
 */
const LAYOUT_TABLES = new Set(['GSUB', 'GPOS', 'GDEF']);
const TABLE_RECORD = 16;
const OFFSET_TABLE = 12;

interface TableRecord {
  tag: string;
  checksum: number;
  offset: number;
  length: number;
}

function tableRecords(font: Buffer): TableRecord[] {
  const count = font.readUInt16BE(4);
  return Array.from({ length: count }, (_unused, index) => {
    const at = OFFSET_TABLE + index * TABLE_RECORD;
    return {
      tag: font.toString('latin1', at, at + 4),
      checksum: font.readUInt32BE(at + 4),
      offset: font.readUInt32BE(at + 8),
      length: font.readUInt32BE(at + 12),
    };
  });
}

function table(font: Buffer, tag: string): TableRecord {
  const found = tableRecords(font).find((record) => record.tag === tag);
  if (!found) throw new Error(`Font has no ${tag} table`);
  return found;
}

/** The TrueType font without its OpenType layout tables (the table directory stays sorted). */
export function withoutLayoutTables(font: Buffer): Buffer {
  const kept = tableRecords(font).filter((record) => !LAYOUT_TABLES.has(record.tag));
  const padded = (length: number): number => (length + 3) & ~3;
  const start = OFFSET_TABLE + kept.length * TABLE_RECORD;
  const out = Buffer.alloc(kept.reduce((size, record) => size + padded(record.length), start));
  font.copy(out, 0, 0, 4);
  let power = 1;
  let log = 0;
  while (power * 2 <= kept.length) {
    power *= 2;
    log++;
  }
  out.writeUInt16BE(kept.length, 4);
  out.writeUInt16BE(power * TABLE_RECORD, 6);
  out.writeUInt16BE(log, 8);
  out.writeUInt16BE((kept.length - power) * TABLE_RECORD, 10);
  let offset = start;
  kept.forEach((record, index) => {
    const at = OFFSET_TABLE + index * TABLE_RECORD;
    out.write(record.tag, at, 'latin1');
    out.writeUInt32BE(record.checksum, at + 4);
    out.writeUInt32BE(offset, at + 8);
    out.writeUInt32BE(record.length, at + 12);
    font.copy(out, offset, record.offset, record.offset + record.length);
    offset += padded(record.length);
  });
  return out;
}

/** Code point → glyph id from the cmap subtable fontkit would pick (Unicode full, then BMP). */
function characterMap(font: Buffer): Map<number, number> {
  const cmap = table(font, 'cmap').offset;
  const subtables = Array.from({ length: font.readUInt16BE(cmap + 2) }, (_unused, index) => ({
    platform: font.readUInt16BE(cmap + 4 + index * 8),
    encoding: font.readUInt16BE(cmap + 6 + index * 8),
    at: cmap + font.readUInt32BE(cmap + 8 + index * 8),
  }));
  const preference = [
    [3, 10],
    [0, 6],
    [0, 4],
    [3, 1],
    [0, 3],
  ];
  const chosen = preference
    .map(([platform, encoding]) => subtables.find((subtable) => subtable.platform === platform && subtable.encoding === encoding))
    .find((subtable) => subtable !== undefined && [4, 12].includes(font.readUInt16BE(subtable.at)));
  if (!chosen) throw new Error('Font has no Unicode cmap of format 4 or 12');

  const glyphs = new Map<number, number>();
  const at = chosen.at;
  if (font.readUInt16BE(at) === 12) {
    const groups = font.readUInt32BE(at + 12);
    for (let group = 0; group < groups; group++) {
      const record = at + 16 + group * 12;
      const first = font.readUInt32BE(record);
      const last = font.readUInt32BE(record + 4);
      const glyph = font.readUInt32BE(record + 8);
      for (let code = first; code <= last; code++) glyphs.set(code, glyph + code - first);
    }
    return glyphs;
  }
  const segments = font.readUInt16BE(at + 6) / 2;
  const ends = at + 14;
  const starts = ends + segments * 2 + 2;
  const deltas = starts + segments * 2;
  const rangeOffsets = deltas + segments * 2;
  for (let segment = 0; segment < segments; segment++) {
    const first = font.readUInt16BE(starts + segment * 2);
    const last = font.readUInt16BE(ends + segment * 2);
    const delta = font.readUInt16BE(deltas + segment * 2);
    const rangeOffset = font.readUInt16BE(rangeOffsets + segment * 2);
    for (let code = first; code <= last && code !== 0xffff; code++) {
      let glyph = code;
      if (rangeOffset !== 0) {
        glyph = font.readUInt16BE(rangeOffsets + segment * 2 + rangeOffset + (code - first) * 2);
        if (glyph === 0) continue;
      }
      glyphs.set(code, (glyph + delta) & 0xffff);
    }
  }
  return glyphs;
}

/** Advance widths of a TrueType font, to measure text as pdfkit does once the layout tables are gone. */
export class FontMetrics {
  private readonly unitsPerEm: number;
  /** Advance (font units) by BMP code point; unmapped ones get .notdef's, as in the PDF. */
  private readonly bmp = new Uint16Array(0x10000);
  private readonly astral = new Map<number, number>();
  private readonly notdef: number;

  constructor(font: Buffer) {
    this.unitsPerEm = font.readUInt16BE(table(font, 'head').offset + 18);
    const metrics = font.readUInt16BE(table(font, 'hhea').offset + 34);
    const hmtx = table(font, 'hmtx').offset;
    const advance = (glyph: number): number => font.readUInt16BE(hmtx + 4 * Math.min(glyph, metrics - 1));
    this.notdef = advance(0);
    this.bmp.fill(this.notdef);
    for (const [code, glyph] of characterMap(font)) {
      if (code < 0x10000) this.bmp[code] = advance(glyph);
      else this.astral.set(code, advance(glyph));
    }
  }

  /** Width in points of `text` at `size` points. */
  width(text: string, size: number): number {
    let units = 0;
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
        units += this.astral.get(text.codePointAt(index) ?? code) ?? this.notdef;
        index++;
      } else {
        units += this.bmp[code];
      }
    }
    return (units * size) / this.unitsPerEm;
  }
}

export interface TableFonts {
  /** For pdfmake's virtual file system: file name → font bytes. */
  files: Record<string, Buffer>;
  /** The pdfmake font family, naming files from `files`. */
  family: { normal: string; bold: string; italics: string; bolditalics: string };
  regular: FontMetrics;
  bold: FontMetrics;
}

/** Roboto as pdfmake ships it (Medium is its bold), without layout tables; italics are never used. */
export function tableFonts(): TableFonts {
  const dir = join(dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');
  const regular = withoutLayoutTables(readFileSync(join(dir, 'Roboto-Regular.ttf')));
  const bold = withoutLayoutTables(readFileSync(join(dir, 'Roboto-Medium.ttf')));
  return {
    files: { 'Roboto-Regular.ttf': regular, 'Roboto-Medium.ttf': bold },
    family: { normal: 'Roboto-Regular.ttf', bold: 'Roboto-Medium.ttf', italics: 'Roboto-Regular.ttf', bolditalics: 'Roboto-Medium.ttf' },
    regular: new FontMetrics(regular),
    bold: new FontMetrics(bold),
  };
}
