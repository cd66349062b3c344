import type { ColumnType, FileColumn } from '../query/export-query.provider';
import type { ExportRow } from './export-writer';
import { asciiStops } from './text-chunks';
import type { TextChunks } from './text-chunks';

type JsonValue = (value: unknown) => string;

/** What JSON.stringify escapes in a string (quote, backslash, control characters) or may (a lone surrogate). */
// eslint-disable-next-line no-control-regex -- the control characters are what is looked for
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * JSON.stringify of a string, where most need no escape and are only quoted: JSON.stringify costs
 * about 900 instructions a call (callgrind), the test and the quotes half that, on each of a row's
 * text cells.
 */
function jsonString(text: string): string {
  return ESCAPED.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** The ASCII characters JSON.stringify escapes in a string: a quote, a backslash and the controls. */
const ESCAPED_ASCII = asciiStops(`"\\${Array.from({ length: 0x20 }, (_, code) => String.fromCharCode(code)).join('')}`);
const QUOTE = 0x22;

/** Decimals are written verbatim as JSON numbers (exact, no float rounding); datetimes as ISO 8601 UTC. */
const JSON_VALUE: Record<ColumnType, JsonValue> = {
  text: (value) => (typeof value === 'string' ? jsonString(value) : JSON.stringify(value)),
  integer: (value) => String(value),
  decimal: (value) => String(value),
  date: (value) => `"${String(value)}"`,
  datetime: (value) => `"${String(value).replace(' ', 'T')}Z"`,
};

/** One row as the text of a JSON object keyed by column: what the json and ndjson files are made of. */
export class JsonObjectFormat {
  private readonly keys: string[];
  private readonly values: JsonValue[];
  private readonly textColumns: boolean[];

  constructor(columns: readonly FileColumn[]) {
    this.keys = columns.map((column, index) => `${index === 0 ? '{' : ','}${JSON.stringify(column.key)}:`);
    this.values = columns.map((column) => JSON_VALUE[column.type]);
    this.textColumns = columns.map((column) => column.type === 'text');
  }

  /** Adds the row's object: a text cell of plain ASCII goes in as it is, between quotes, with no string made. */
  write(row: ExportRow, text: TextChunks): void {
    for (let i = 0; i < row.length; i++) {
      text.add(this.keys[i]);
      const value = row[i];
      if (value === null || value === undefined) {
        text.add('null');
      } else if (this.textColumns[i] && typeof value === 'string') {
        text.ascii(QUOTE);
        // Non-ASCII text with nothing to escape (José) goes in as it is, encoded; only the rest is escaped.
        if (!text.plain(value, ESCAPED_ASCII)) text.add(ESCAPED.test(value) ? JSON.stringify(value).slice(1, -1) : value);
        text.ascii(QUOTE);
      } else {
        text.add(this.values[i](value));
      }
    }
    text.add('}');
  }
}
