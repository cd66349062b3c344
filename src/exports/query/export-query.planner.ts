import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { ReadServer } from '../rows/read-server';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { activeFilters, applyFilters } from './export-filters';
import type { NormalizedFilters } from './export-filters';
import type { ExportColumn, ExportLookup, ExportQueryProvider, ExportQueryScope } from './export-query.provider';

export interface SqlStatement {
  sql: string;
  params: unknown[];
}

/**
 * Reading an ungrouped export in order-key batches: each batch continues after the last row of the
 * one before (`o1 > v1 OR (o1 = v1 AND o2 > v2) ...`) and is a range on the order's index, so the
 * server reads in index order instead of sorting the whole result first, and a reader can pause
 * between batches without holding a result open. Batch rows end with the order keys' values.
 */
export interface KeysetReads {
  /** Rows per batch; a shorter batch is the last. */
  size: number;
  /** The number of order keys after the columns in every batch row. */
  keys: number;
  /** The first batch: from the lowest value of the first order key on. */
  first(lowest: unknown): SqlStatement;
  /** The batch after the row whose order keys were `last`. */
  after(last: readonly unknown[]): SqlStatement;
}

/** The statements that read an export's rows: all in one, and in keyset batches where it has them. */
export interface RowReads {
  /** All rows in one statement, in order. */
  select: SqlStatement;
  keyset?: KeysetReads;
}

/** A joined table read once per export; see `ExportLookup`. */
export interface LookupTable {
  lookup: ExportLookup;
  /** Its key, then each looked-up column's value, for every row of the table. */
  rows: SqlStatement;
  /** The row positions that hold the key in `LookupReads`' statements, in the order of the values in `rows`. */
  slots: readonly number[];
}

/**
 * The same rows without the joins that only add columns: each looked-up column selects the row's
 * key, which the reader replaces by the value read once from the joined table. A reader uses these
 * only where the server compares the keys exactly (see `exactKeyMatch`).
 */
export interface LookupReads extends RowReads {
  tables: readonly LookupTable[];
}

/** Everything needed to read one export: its columns and statements, built once. */
export interface ExportQueryPlan extends RowReads {
  columns: readonly ExportColumn[];
  /**
   * `total`; for plans with keyset reads also `lowest` (the first order key's lowest value) and
   * `unkeyed` (rows with a NULL order key, which keyset reads would miss: then `select` is used).
   */
  count: SqlStatement;
  lookups?: LookupReads;
}

function statement(qb: SelectQueryBuilder<ObjectLiteral>): SqlStatement {
  const [sql, params] = qb.getQueryAndParameters();
  return { sql, params };
}

const PLACEHOLDER = '1';

/**
 * Writers take rows as arrays, so the select list must keep the columns' order. TypeORM moves
 * selections of aliases it has entity metadata for ahead of the others, so the list is set here,
 * on the statement TypeORM built around a placeholder.
 */
function withColumns(rows: SqlStatement, selections: readonly string[]): SqlStatement {
  const prefix = `SELECT ${PLACEHOLDER} FROM `;
  if (!rows.sql.startsWith(prefix)) throw new Error(`Unexpected export statement shape: ${rows.sql.slice(0, 40)}`);
  return { sql: `SELECT ${selections.join(', ')} FROM ${rows.sql.slice(prefix.length)}`, params: rows.params };
}

/** Rows after `last` in the order of `keys`: the first key greater, or equal and the rest after. */
function afterCondition(keys: readonly string[], names: readonly string[]): string {
  const [key, ...rest] = keys;
  const [name, ...restNames] = names;
  return rest.length === 0 ? `${key} > :${name}` : `(${key} > :${name} OR (${key} = :${name} AND ${afterCondition(rest, restNames)}))`;
}

function countOf(rows: SqlStatement): SqlStatement {
  return { sql: `SELECT COUNT(*) AS total FROM (${rows.sql}) grouped_rows`, params: rows.params };
}

/**
 * Builds export SQL from a provider's query, in the dialect of the configured database: the
 * provider gives FROM, joins and GROUP BY; the plan adds the chosen columns, the bound filters,
 * the order, and a count of exactly the rows the select returns.
 */
@Injectable()
export class ExportQueryPlanner {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly readServer: ReadServer,
  ) {}

  plan(provider: ExportQueryProvider, filters: NormalizedFilters, columns: readonly ExportColumn[]): ExportQueryPlan {
    const used = activeFilters(provider, filters);
    const build = (scope: ExportQueryScope) =>
      applyFilters(
        provider.query(this.dataSource.createQueryBuilder() as SelectQueryBuilder<ObjectLiteral>, scope),
        scope.filters,
        filters,
      );
    const orderedBy = (scope: ExportQueryScope) => () => {
      const qb = build(scope);
      for (const expression of provider.orderBy) qb.addOrderBy(expression, 'ASC');
      return qb.select(PLACEHOLDER);
    };
    const scope: ExportQueryScope = { columns, filters: used };
    const ordered = orderedBy(scope);
    const escape = (key: string) => ordered().escape(key);
    const selections = columns.map((column) => `${column.expression} AS ${escape(column.key)}`);

    // Only the filters' joins are needed to count; grouped rows are counted as groups.
    const counted = build({ columns: [], filters: used });
    if (counted.expressionMap.groupBys.length > 0) {
      return { columns, select: withColumns(statement(ordered()), selections), count: countOf(statement(counted.select(PLACEHOLDER))) };
    }
    const [firstKey] = provider.orderBy;
    counted
      .select('COUNT(*)', 'total')
      .addSelect(`MIN(${firstKey})`, 'lowest')
      .addSelect(`SUM(CASE WHEN ${provider.orderBy.map((key) => `${key} IS NULL`).join(' OR ')} THEN 1 ELSE 0 END)`, 'unkeyed');
    const lookups = provider.lookups?.(scope) ?? [];
    return {
      columns,
      count: statement(counted),
      ...this.reads(provider, ordered, selections),
      ...(lookups.length > 0
        ? { lookups: this.lookupReads(provider, orderedBy({ ...scope, lookups: true }), columns, lookups, escape) }
        : {}),
    };
  }

  private reads(provider: ExportQueryProvider, ordered: () => SelectQueryBuilder<ObjectLiteral>, selections: string[]): RowReads {
    return { select: withColumns(statement(ordered()), selections), keyset: this.keyset(provider, ordered, selections) };
  }

  private lookupReads(
    provider: ExportQueryProvider,
    ordered: () => SelectQueryBuilder<ObjectLiteral>,
    columns: readonly ExportColumn[],
    lookups: readonly ExportLookup[],
    escape: (key: string) => string,
  ): LookupReads {
    const lookupOf = new Map(lookups.flatMap((lookup) => Object.keys(lookup.values).map((key) => [key, lookup] as const)));
    const selections = columns.map((column) => `${lookupOf.get(column.key)?.keyExpression ?? column.expression} AS ${escape(column.key)}`);
    const tables = lookups.map((lookup): LookupTable => {
      const keys = Object.keys(lookup.values);
      const list = [`${lookup.alias}.${escape(lookup.key)}`, ...keys.map((key) => lookup.values[key])];
      return {
        lookup,
        rows: { sql: `SELECT ${list.join(', ')} FROM ${escape(lookup.table)} ${lookup.alias}`, params: [] },
        slots: keys.map((key) => columns.findIndex((column) => column.key === key)),
      };
    });
    return { ...this.reads(provider, ordered, selections), tables };
  }

  private keyset(provider: ExportQueryProvider, ordered: () => SelectQueryBuilder<ObjectLiteral>, selections: string[]): KeysetReads {
    const { orderBy } = provider;
    const size = this.config.exportReadBatchRows;
    const names = orderBy.map((_key, index) => `keyset${index}`);
    const withKeys = [...selections, ...orderBy.map((key, index) => `${key} AS ${names[index]}`)];
    const batch = (condition: string, parameters: ObjectLiteral) =>
      withColumns(statement(ordered().andWhere(condition, parameters).limit(size)), withKeys);
    return {
      size,
      keys: orderBy.length,
      first: (lowest) => batch(`${orderBy[0]} >= :${names[0]}`, { [names[0]]: lowest }),
      after: (last) => batch(afterCondition(orderBy, names), Object.fromEntries(names.map((name, index) => [name, last[index]]))),
    };
  }

  /** Counts matching rows where exports read them (request-time checks such as the PDF limit). */
  async count(plan: ExportQueryPlan): Promise<number> {
    const rows = await this.readServer.query<{ total: number | string }>(plan.count.sql, plan.count.params);
    return Number(rows[0]?.total ?? 0);
  }
}
