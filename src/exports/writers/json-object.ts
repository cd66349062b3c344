import type { ColumnType, FileColumn } from '../query/export-query.provider';
import type { ExportRow } from './export-writer';

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

  constructor(columns: readonly FileColumn[]) {
    this.keys = columns.map((column, index) => `${index === 0 ? '{' : ','}${JSON.stringify(column.key)}:`);
    this.values = columns.map((column) => JSON_VALUE[column.type]);
  }

  format(row: ExportRow): string {
    let text = '';
    for (let i = 0; i < row.length; i++) {
      const value = row[i];
      text += this.keys[i] + (value === null || value === undefined ? 'null' : this.values[i](value));
    }
    return `${text}}`;
  }
}
