import type { Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import type { ColumnType } from '../query/export-query.provider';
import { ExportFormatWriter } from './export-writer';
import type { ExportRow, ExportWriteContext, ExportWriter } from './export-writer';
import { RowStreamWriter } from './row-stream-writer';

type JsonValue = (value: unknown) => string;

/** Decimals are written verbatim as JSON numbers (exact, no float rounding); datetimes as ISO 8601 UTC. */
const JSON_VALUE: Record<ColumnType, JsonValue> = {
  text: (value) => JSON.stringify(value),
  integer: (value) => String(value),
  decimal: (value) => String(value),
  date: (value) => `"${String(value)}"`,
  datetime: (value) => `"${String(value).replace(' ', 'T')}Z"`,
};

class JsonRowWriter extends RowStreamWriter {
  private readonly keys: string[];
  private readonly values: JsonValue[];

  constructor(out: Writable, context: ExportWriteContext) {
    super(out);
    this.keys = context.columns.map((column, index) => `${index === 0 ? '{' : ','}${JSON.stringify(column.key)}:`);
    this.values = context.columns.map((column) => JSON_VALUE[column.type]);
  }

  protected toChunk(row: ExportRow, index: number): string {
    let text = index === 0 ? '[\n' : ',\n';
    for (let i = 0; i < row.length; i++) {
      const value = row[i];
      text += this.keys[i] + (value === null || value === undefined ? 'null' : this.values[i](value));
    }
    return `${text}}`;
  }

  protected override trailer(): string {
    return this.rowCount === 0 ? '[]\n' : '\n]\n';
  }
}

@Injectable()
export class JsonWriter extends ExportFormatWriter {
  readonly format = 'json' as const;
  readonly extension = 'json';
  readonly contentType = 'application/json; charset=utf-8';

  open(out: Writable, context: ExportWriteContext): ExportWriter {
    return new JsonRowWriter(out, context);
  }
}
