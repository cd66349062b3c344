import type { NormalizedFilters } from './query/export-filters';
import type { ExportQueryProvider } from './query/export-query.provider';

/** The name users see: `tolls_2024-01-01_2024-01-31_123.csv`. Built only from validated values. */
export function exportFileName(provider: ExportQueryProvider, filters: NormalizedFilters, exportId: number, extension: string): string {
  const dateFilter = provider.fileDateFilter;
  const range = dateFilter ? [filters[`from_${dateFilter}`], filters[`to_${dateFilter}`]] : [];
  const parts = [provider.fileStem, ...range.filter((part): part is string => typeof part === 'string'), String(exportId)];
  return `${parts.join('_')}.${extension}`;
}
