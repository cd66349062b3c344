import { execFileSync } from 'node:child_process';
import { parseString } from '@fast-csv/parse';
import type { Response } from 'supertest';
import type request from 'supertest';
import type { DataSource } from 'typeorm';
import type { ColumnType, ExportColumn } from '../../src/exports/query/export-query.provider';
import { guardFormula } from '../../src/exports/writers/export-writer';
import { bearer } from './tokens';

type Http = () => ReturnType<typeof request>;

export const FINAL_STATUSES = ['COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED'];

export interface StatusBody {
  export_id: number;
  status: string;
  progress: number;
  processed_records: number;
  total_records: number | null;
  file_url?: string;
  file_name: string | null;
  file_size: number | null;
  error?: string;
  started_at: string | null;
  completed_at: string | null;
  expires_at: string | null;
  rows_per_second?: number;
  eta_seconds?: number;
}

export async function requestExport(http: Http, token: string, body: object): Promise<number> {
  const response = await http().post('/api/exports/request').set(bearer(token)).send(body);
  if (response.status !== 202) throw new Error(`Expected 202, got ${response.status}: ${JSON.stringify(response.body)}`);
  return (response.body as { export_id: number }).export_id;
}

/** Polls status until the export is final; every status seen is passed to `onStatus`. */
export async function waitForExport(
  http: Http,
  token: string,
  id: number,
  {
    timeoutMs = 90_000,
    intervalMs = 50,
    onStatus,
  }: { timeoutMs?: number; intervalMs?: number; onStatus?: (status: StatusBody) => void } = {},
): Promise<StatusBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await http().get(`/api/exports/${id}/status`).set(bearer(token));
    if (response.status !== 200) throw new Error(`status returned ${response.status}`);
    const body = response.body as StatusBody;
    onStatus?.(body);
    if (FINAL_STATUSES.includes(body.status)) return body;
    if (Date.now() > deadline) throw new Error(`Export ${id} still ${body.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function binaryParser(res: Response, callback: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

export async function download(http: Http, token: string, id: number): Promise<Response & { body: Buffer }> {
  return await http().get(`/api/exports/${id}/download`).set(bearer(token)).buffer(true).parse(binaryParser);
}

/** RFC 4180 rows of a CSV file (BOM removed), header first; `delimiter` as the file was written. */
export function parseCsv(text: string, delimiter = ','): Promise<string[][]> {
  return new Promise((resolve, reject) => {
    const rows: string[][] = [];
    parseString(text.replace(/^\uFEFF/, ''), { headers: false, delimiter })
      .on('data', (row: string[]) => rows.push(row))
      .on('error', reject)
      .on('end', () => resolve(rows));
  });
}

/**
 * The rows of a CSV file as Python's csv module reads them (strict), told the file's delimiter and
 * whether it starts with a BOM (read as utf-8-sig, which removes it): a second, independent parser.
 */
export function pythonCsv(bytes: Buffer, { delimiter, bom }: { delimiter: string; bom: boolean }): string[][] {
  const script = [
    'import csv, io, json, sys',
    'text = io.TextIOWrapper(sys.stdin.buffer, encoding=sys.argv[2], newline="")',
    'print(json.dumps(list(csv.reader(text, delimiter=sys.argv[1], strict=True))))',
  ].join('\n');
  const output = execFileSync('python3', ['-c', script, delimiter, bom ? 'utf-8-sig' : 'utf-8'], { input: bytes, encoding: 'utf8' });
  return JSON.parse(output) as string[][];
}

/** A database value as the CSV writer prints it (the expectation side of a comparison). */
export function csvCell(type: ColumnType, value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  switch (type) {
    case 'datetime':
      return text.replace('T', ' ').slice(0, 19);
    case 'date':
      return text.slice(0, 10);
    case 'decimal':
      return Number(value).toFixed(2);
    case 'integer':
      return String(Number(value));
    case 'text':
      return guardFormula(text);
  }
}

/** Runs a hand-written query and renders its rows as the CSV cells the export must contain. */
export async function expectedCsvRows(
  db: DataSource,
  columns: readonly ExportColumn[],
  sql: string,
  params: unknown[] = [],
): Promise<string[][]> {
  const rows: Record<string, unknown>[] = await db.query(sql, params);
  return rows.map((row) => columns.map((column) => csvCell(column.type, row[column.key])));
}

/** A database value as the JSON writer prints it. */
export function jsonValue(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'decimal':
    case 'integer':
      return Number(value);
    case 'datetime':
      return `${csvCell('datetime', value).replace(' ', 'T')}Z`;
    case 'date':
      return csvCell('date', value);
    case 'text':
      return String(value);
  }
}

/** A database value as an Excel cell reads back: dates as UTC Date objects, amounts as numbers. */
export function excelValue(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'decimal':
    case 'integer':
      return Number(value);
    case 'datetime':
      return new Date(`${csvCell('datetime', value).replace(' ', 'T')}Z`);
    case 'date':
      return new Date(`${csvCell('date', value)}T00:00:00Z`);
    case 'text':
      return String(value);
  }
}

/**
 * Every sheet of an xlsx file, read with exceljs: [sheet name, rows of `width` cell values, empty
 * cells as null].
 */
export async function readXlsx(path: string, width: number): Promise<[string, unknown[][]][]> {
  // Not exceljs's streaming WorkbookReader: it decodes each inflated chunk on its own, so a
  // multi-byte character that straddles two chunks comes out as two replacement characters.
  const { Workbook } = await import('exceljs');
  const workbook = new Workbook();
  await workbook.xlsx.readFile(path);
  return workbook.worksheets.map((worksheet) => {
    const rows: unknown[][] = [];
    worksheet.eachRow({ includeEmpty: true }, (row) => {
      const values = row.values as unknown[];
      rows.push(Array.from({ length: width }, (_, i) => values[i + 1] ?? null));
    });
    return [worksheet.name, rows];
  });
}
