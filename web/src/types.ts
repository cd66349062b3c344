/** The shapes of the public API the page uses (see /api/docs). */

export type ExportStatusName = 'PENDING' | 'PROCESSING' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'EXPIRED';

export const FINAL_STATUSES: readonly ExportStatusName[] = ['COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED'];

export const isFinal = (status: ExportStatusName): boolean => FINAL_STATUSES.includes(status);

export interface ExportColumn {
  key: string;
  header: string;
  type: string;
  default: boolean;
}

export interface ExportFilter {
  key: string;
  kind: 'date' | 'amount' | 'values';
  match: 'from' | 'to' | 'any';
  column: string;
  description: string;
}

export interface ExportType {
  export_type: string;
  title: string;
  formats: string[];
  columns: ExportColumn[];
  filters: ExportFilter[];
}

export type FilterValues = Record<string, string | string[]>;

/** How a csv file is written (the API's `csv` object). */
export interface CsvOptions {
  delimiter: string;
  bom: boolean;
  line_ending: string;
  header: boolean;
}

export interface ExportStatus {
  export_id: number;
  /** The owner. */
  user_id: string;
  export_type: string;
  format: string;
  status: ExportStatusName;
  progress: number;
  processed_records: number;
  total_records: number | null;
  file_name: string | null;
  file_size: number | null;
  error?: string;
  filters: FilterValues;
  columns: string[] | null;
  compression: string | null;
  /** A csv export's options, defaults filled in; null for other formats. */
  csv: CsvOptions | null;
  created_at: string;
  expires_at: string | null;
  rows_per_second?: number;
  eta_seconds?: number;
}

export interface ExportPage {
  items: ExportStatus[];
  total_items: number;
  page: number;
  per_page: number;
  total_pages: number;
}

/** GET /api/exports (admins): every filter set narrows the page. */
export interface ExportListQuery {
  user_id?: string;
  status?: ExportStatusName;
  export_type?: string;
  page: number;
  per_page: number;
}

export interface ExportRequestBody {
  export_type: string;
  format: string;
  filters?: FilterValues;
  columns?: string[];
  compression?: string;
  csv?: CsvOptions;
}

export interface ExportAccepted {
  export_id: number;
  status: ExportStatusName;
}

export interface DownloadLink {
  url: string;
  expires_at: string;
}
