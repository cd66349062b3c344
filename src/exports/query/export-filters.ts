import type { SelectQueryBuilder, ObjectLiteral } from 'typeorm';
import { formatCount } from '../format-count';
import type { ExportColumn, ExportQueryProvider, FilterSpec } from './export-query.provider';

/** Filters after validation: dates and amounts as strings, multi-value filters as arrays. */
export type NormalizedFilters = Record<string, string | string[]>;

export const MAX_FILTER_VALUES = 1000;
const MAX_VALUE_LENGTH = 100;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const AMOUNT = /^-?\d{1,12}(\.\d{1,2})?$/;

interface FilterKey {
  key: string;
  spec: FilterSpec;
  bound?: 'from' | 'to';
}

/** The request keys a declaration accepts: `from_x`/`to_x` for ranges, `x` for value lists. */
export function filterKeys(spec: FilterSpec): FilterKey[] {
  return spec.kind === 'values'
    ? [{ key: spec.name, spec }]
    : [
        { key: `from_${spec.name}`, spec, bound: 'from' },
        { key: `to_${spec.name}`, spec, bound: 'to' },
      ];
}

function isCalendarDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function nextDay(value: string): string {
  const [y, m, d] = value.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

function parseValue(field: string, key: FilterKey, raw: unknown): { value?: string | string[]; error?: string } {
  switch (key.spec.kind) {
    case 'date':
      return typeof raw === 'string' && isCalendarDate(raw) ? { value: raw } : { error: `${field} must be a real date written YYYY-MM-DD` };
    case 'amount': {
      const text = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw;
      return typeof text === 'string' && AMOUNT.test(text.trim())
        ? { value: text.trim() }
        : { error: `${field} must be a decimal amount such as 12.50` };
    }
    case 'values': {
      const items = typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw : undefined;
      if (!items) return { error: `${field} must be a comma-separated string or an array of strings` };
      if (items.some((item) => typeof item !== 'string' && typeof item !== 'number')) {
        return { error: `${field} must contain only strings` };
      }
      const values = [...new Set(items.map((item) => String(item).trim()).filter((item) => item.length > 0))];
      if (values.length === 0) return { error: `${field} must contain at least one value` };
      if (values.length > MAX_FILTER_VALUES)
        return { error: `${field} has ${formatCount(values.length)} values; at most ${formatCount(MAX_FILTER_VALUES)} are allowed` };
      if (values.some((item) => item.length > MAX_VALUE_LENGTH))
        return { error: `${field} values must be at most ${MAX_VALUE_LENGTH} characters` };
      return { value: values };
    }
  }
}

function compareRange(kind: FilterSpec['kind'], from: string, to: string): boolean {
  return kind === 'date' ? from <= to : Number(from) <= Number(to);
}

/** Validates a request's `filters` against a type's declarations; every problem is reported. */
export function parseFilters(provider: ExportQueryProvider, raw: unknown): { filters: NormalizedFilters; errors: string[] } {
  const filters: NormalizedFilters = {};
  const errors: string[] = [];
  if (raw === undefined || raw === null) return { filters, errors };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { filters, errors: ['filters must be an object'] };

  const known = new Map(provider.filters.flatMap(filterKeys).map((k) => [k.key, k]));
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const field = `filters.${key}`;
    const declared = known.get(key);
    if (!declared) {
      errors.push(`${field} is not a filter of ${provider.exportType}; valid filters: ${[...known.keys()].join(', ')}`);
      continue;
    }
    if (value === null || value === '') continue;
    const parsed = parseValue(field, declared, value);
    if (parsed.error) errors.push(parsed.error);
    else if (parsed.value !== undefined) filters[key] = parsed.value;
  }

  for (const spec of provider.filters) {
    const from = filters[`from_${spec.name}`];
    const to = filters[`to_${spec.name}`];
    if (typeof from === 'string' && typeof to === 'string' && !compareRange(spec.kind, from, to)) {
      errors.push(`filters.from_${spec.name} (${from}) must not be after filters.to_${spec.name} (${to})`);
    }
  }
  return { filters, errors };
}

/** The filters a request uses, in declaration order. */
export function activeFilters(provider: ExportQueryProvider, filters: NormalizedFilters): FilterSpec[] {
  return provider.filters.filter((spec) => filterKeys(spec).some((key) => filters[key.key] !== undefined));
}

/** Adds one bound where- or having-clause per filter value; values never become SQL text. */
export function applyFilters<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  specs: readonly FilterSpec[],
  filters: NormalizedFilters,
): SelectQueryBuilder<T> {
  specs.forEach((spec, index) => {
    const add = (condition: string, parameters: ObjectLiteral) =>
      spec.stage === 'having' ? qb.andHaving(condition, parameters) : qb.andWhere(condition, parameters);
    for (const key of filterKeys(spec)) {
      const value = filters[key.key];
      if (value === undefined) continue;
      const param = `f${index}${key.bound ?? 'in'}`;
      if (spec.kind === 'values') {
        add(`${spec.expression} IN (:...${param})`, { [param]: value });
      } else if (key.bound === 'from') {
        add(`${spec.expression} >= :${param}`, { [param]: value });
      } else if (spec.kind === 'date') {
        // `to_` takes the whole day: compare against the next midnight, which also fits DATE columns.
        add(`${spec.expression} < :${param}`, { [param]: nextDay(String(value)) });
      } else {
        add(`${spec.expression} <= :${param}`, { [param]: value });
      }
    }
  });
  return qb;
}

/** Picks the output columns: the type's defaults, or the requested keys in the requested order. */
export function resolveColumns(provider: ExportQueryProvider, requested: unknown): { columns: ExportColumn[]; errors: string[] } {
  if (requested === undefined || requested === null) {
    return { columns: provider.columns.filter((column) => !column.optional), errors: [] };
  }
  const valid = provider.columns.map((column) => column.key);
  if (!Array.isArray(requested) || requested.length === 0 || requested.some((key) => typeof key !== 'string')) {
    return { columns: [], errors: [`columns must be a non-empty array of column keys; valid columns: ${valid.join(', ')}`] };
  }
  const keys = requested as string[];
  const unknown = keys.filter((key) => !valid.includes(key));
  const duplicates = keys.filter((key, i) => keys.indexOf(key) !== i);
  const errors = [
    ...(unknown.length > 0 ? [`columns has unknown keys: ${unknown.join(', ')}; valid columns: ${valid.join(', ')}`] : []),
    ...(duplicates.length > 0 ? [`columns lists ${[...new Set(duplicates)].join(', ')} more than once`] : []),
  ];
  const byKey = new Map(provider.columns.map((column) => [column.key, column]));
  return { columns: errors.length > 0 ? [] : keys.map((key) => byKey.get(key) as ExportColumn), errors };
}
