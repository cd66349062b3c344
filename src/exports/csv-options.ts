import type { ExportFormat } from './export-job.entity';

export const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

export const CSV_LINE_ENDINGS = ['crlf', 'lf'] as const;
export type CsvLineEnding = (typeof CSV_LINE_ENDINGS)[number];

/** How a csv file is written: the request's `csv` object, every field given. */
export interface CsvOptions {
  delimiter: CsvDelimiter;
  bom: boolean;
  line_ending: CsvLineEnding;
  header: boolean;
}

/** RFC 4180 with a BOM so Excel reads UTF-8: what a request without `csv` gets. */
export const DEFAULT_CSV_OPTIONS: Readonly<CsvOptions> = { delimiter: ',', bom: true, line_ending: 'crlf', header: true };

const OPTION_NAMES = Object.keys(DEFAULT_CSV_OPTIONS) as (keyof CsvOptions)[];

export interface ParsedCsvOptions {
  /** The options in effect; null when they are the defaults (or the format is not csv). */
  options: CsvOptions | null;
  errors: string[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const oneOf = (values: readonly string[]): string => values.map((value) => JSON.stringify(value)).join(', ');

/**
 * Validates a request's `csv` object against its format, naming every wrong field. Fields left out
 * take the defaults; options equal to the defaults come back as null, so such a request is stored
 * and hashed (Idempotency-Key) exactly like one without `csv`.
 */
export function parseCsvOptions(raw: unknown, format: ExportFormat | undefined): ParsedCsvOptions {
  if (raw === undefined) return { options: null, errors: [] };
  if (!isPlainObject(raw)) return { options: null, errors: ['csv must be an object such as {"delimiter": ";", "bom": false}'] };
  const errors: string[] = [];
  if (format !== undefined && format !== 'csv') {
    errors.push(`csv applies to the csv format only; ${format} files have no delimiter, byte-order mark or header row to choose`);
  }
  for (const key of Object.keys(raw)) {
    if (!(OPTION_NAMES as string[]).includes(key)) errors.push(`csv.${key} is not a csv option; options: ${OPTION_NAMES.join(', ')}`);
  }
  const { delimiter = DEFAULT_CSV_OPTIONS.delimiter, bom = DEFAULT_CSV_OPTIONS.bom } = raw;
  const { line_ending = DEFAULT_CSV_OPTIONS.line_ending, header = DEFAULT_CSV_OPTIONS.header } = raw;
  if (!CSV_DELIMITERS.includes(delimiter as CsvDelimiter)) {
    errors.push(`csv.delimiter must be one of: ${oneOf(CSV_DELIMITERS)} ("\\t" is a tab)`);
  }
  if (typeof bom !== 'boolean') errors.push('csv.bom must be true or false');
  if (!CSV_LINE_ENDINGS.includes(line_ending as CsvLineEnding)) errors.push(`csv.line_ending must be one of: ${oneOf(CSV_LINE_ENDINGS)}`);
  if (typeof header !== 'boolean') errors.push('csv.header must be true or false');
  if (errors.length > 0) return { options: null, errors };

  // Fixed key order: the stored JSON and the request hash do not depend on how the client ordered them.
  const options = { delimiter, bom, line_ending, header } as CsvOptions;
  const isDefault = OPTION_NAMES.every((name) => options[name] === DEFAULT_CSV_OPTIONS[name]);
  return { options: isDefault ? null : options, errors: [] };
}

/** The options a csv file is written with: the stored ones, or the defaults. */
export function csvOptionsOf(stored: string | null): CsvOptions {
  return stored ? { ...DEFAULT_CSV_OPTIONS, ...(JSON.parse(stored) as Partial<CsvOptions>) } : { ...DEFAULT_CSV_OPTIONS };
}
