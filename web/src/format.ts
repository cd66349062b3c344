import type { ExportFilter, ExportStatus, ExportStatusName, ExportType, FilterValues } from './types.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HOUR_MS = 3_600_000;

export const STATUS_LABELS: Record<ExportStatusName, string> = {
  PENDING: 'Waiting to start',
  PROCESSING: 'Running',
  COMPLETED: 'Ready',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
  EXPIRED: 'Expired',
};

export const FORMAT_LABELS: Record<string, string> = {
  excel: 'Excel (.xlsx)',
  csv: 'CSV',
  json: 'JSON (one array)',
  ndjson: 'NDJSON (one JSON object per line)',
  pdf: 'PDF (at most 10,000 rows)',
};

const COMPRESSION_SUFFIXES: Record<string, string> = { gzip: 'gz', zip: 'zip' };

/** `xlsx`, `csv`, `csv.gz`, `ndjson.zip`: the file's extension as the server names it. */
export function fileExtension(format: string, compression: string | null): string {
  const extension = format === 'excel' ? 'xlsx' : format;
  const suffix = compression ? COMPRESSION_SUFFIXES[compression] : undefined;
  return suffix ? `${extension}.${suffix}` : extension;
}

export const count = (n: number): string => n.toLocaleString('en-US');

export function bytes(size: number): string {
  if (size < 1024) return `${size} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function dateTime(iso: string): string {
  return new Date(iso).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
}

/** "in 7 days" for a file kept 7 days (rounded, not cut: it was made seconds ago), "in 5 hours" on its last day. */
export function expiresIn(iso: string, now = Date.now()): string {
  const hours = Math.round((new Date(iso).getTime() - now) / HOUR_MS);
  if (hours < 1) return 'within the hour';
  if (hours < 24) return hours === 1 ? 'in 1 hour' : `in ${hours} hours`;
  const days = Math.round(hours / 24);
  return days === 1 ? 'in 1 day' : `in ${count(days)} days`;
}

/** The export's rows: the file's once COMPLETED, the count that matched before; "–" until it is counted. */
export function rowCount(status: ExportStatus): string {
  if (status.total_records === null) return '–';
  return count(status.status === 'COMPLETED' ? status.processed_records : status.total_records);
}

/** What the status badge alone does not say: why it failed, or that nothing matched. */
export function statusNote(status: ExportStatus): string {
  if (status.status === 'FAILED') return status.error ?? '';
  return status.status === 'COMPLETED' && status.processed_records === 0 ? 'no rows match its filters' : '';
}

/** "Posting Date" for the column a filter applies to: its header when it is a column, else the name. */
export function columnLabel(type: ExportType | undefined, column: string): string {
  const header = type?.columns.find((candidate) => candidate.key === column)?.header;
  return header ?? column.replace(/_/g, ' ').replace(/^./, (first) => first.toUpperCase());
}

export function filterLabel(type: ExportType | undefined, filter: Pick<ExportFilter, 'column' | 'match'>): string {
  const label = columnLabel(type, filter.column);
  return filter.match === 'any' ? label : `${label} ${filter.match}`;
}

const isoDay = (date: Date): string => date.toISOString().slice(0, 10);

/** First and last day of the month `offset` months from the one `today` is in (UTC calendar dates). */
export function monthRange(offset: number, today = new Date()): [string, string] {
  const first = new Date(Date.UTC(today.getFullYear(), today.getMonth() + offset, 1));
  const last = new Date(Date.UTC(today.getFullYear(), today.getMonth() + offset + 1, 0));
  return [isoDay(first), isoDay(last)];
}

/** "Jan 2024" when the range is exactly one calendar month. */
function monthName(from: string, to: string): string | undefined {
  const [year, month] = from.split('-').map(Number);
  const [first, last] = monthRange(0, new Date(year, month - 1, 1));
  return from === first && to === last ? `${MONTHS[month - 1]} ${year}` : undefined;
}

function rangeLabel(from: string | undefined, to: string | undefined): string {
  if (from && to) return monthName(from, to) ?? (from === to ? from : `${from} to ${to}`);
  if (from) return `from ${from}`;
  return to ? `until ${to}` : '';
}

/** The period of the first date filter that is set: "Jan 2024", "2024-01-05 to 2024-01-20", "all dates". */
export function periodLabel(type: ExportType | undefined, filters: FilterValues): string {
  const dateColumns = [...new Set((type?.filters ?? []).filter((f) => f.kind === 'date').map((f) => f.column))];
  for (const column of dateColumns) {
    const text = rangeLabel(filters[`from_${column}`] as string | undefined, filters[`to_${column}`] as string | undefined);
    if (text) return text;
  }
  return 'all dates';
}

/** "EZPass tolls · Jan 2024 · xlsx" */
export function exportName(type: ExportType | undefined, status: ExportStatus): string {
  return [type?.title ?? status.export_type, periodLabel(type, status.filters), fileExtension(status.format, status.compression)].join(
    ' · ',
  );
}

/** Every filter and the column choice, in words. */
export function filterSummary(type: ExportType | undefined, status: ExportStatus): string {
  const parts: string[] = [];
  const ranges = new Map<string, { kind: string; from?: string; to?: string }>();
  for (const [key, value] of Object.entries(status.filters)) {
    const filter = type?.filters.find((candidate) => candidate.key === key);
    if (filter && filter.match !== 'any') {
      const range = ranges.get(filter.column) ?? { kind: filter.kind };
      range[filter.match] = String(value);
      ranges.set(filter.column, range);
    } else {
      parts.push(`${columnLabel(type, filter?.column ?? key)}: ${Array.isArray(value) ? value.join(', ') : value}`);
    }
  }
  for (const [column, range] of ranges) parts.unshift(`${columnLabel(type, column)}: ${rangeLabel(range.from, range.to)}`);
  const columns = status.columns ? `${status.columns.length} chosen columns` : 'default columns';
  return [parts.length > 0 ? parts.join('; ') : 'No filters', columns].join(' · ');
}
