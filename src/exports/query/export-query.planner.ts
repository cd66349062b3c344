import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { activeFilters, applyFilters } from './export-filters';
import type { NormalizedFilters } from './export-filters';
import type { ExportColumn, ExportQueryProvider, ExportQueryScope } from './export-query.provider';

export interface SqlStatement {
  sql: string;
  params: unknown[];
}

/** Everything needed to read one export: its columns and the two statements, built once. */
export interface ExportQueryPlan {
  columns: readonly ExportColumn[];
  select: SqlStatement;
  count: SqlStatement;
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
function withColumns(rows: SqlStatement, columns: readonly ExportColumn[], escape: (key: string) => string): SqlStatement {
  const prefix = `SELECT ${PLACEHOLDER} FROM `;
  if (!rows.sql.startsWith(prefix)) throw new Error(`Unexpected export statement shape: ${rows.sql.slice(0, 40)}`);
  const list = columns.map((column) => `${column.expression} AS ${escape(column.key)}`).join(', ');
  return { sql: `SELECT ${list} FROM ${rows.sql.slice(prefix.length)}`, params: rows.params };
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
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  plan(provider: ExportQueryProvider, filters: NormalizedFilters, columns: readonly ExportColumn[]): ExportQueryPlan {
    const used = activeFilters(provider, filters);
    const build = (scope: ExportQueryScope) =>
      applyFilters(
        provider.query(this.dataSource.createQueryBuilder() as SelectQueryBuilder<ObjectLiteral>, scope),
        scope.filters,
        filters,
      );

    const select = build({ columns, filters: used });
    for (const expression of provider.orderBy) select.addOrderBy(expression, 'ASC');

    // Only the filters' joins are needed to count; grouped rows are counted as groups.
    const counted = build({ columns: [], filters: used });
    const grouped = counted.expressionMap.groupBys.length > 0;
    return {
      columns,
      select: withColumns(statement(select.select(PLACEHOLDER)), columns, (key) => select.escape(key)),
      count: grouped ? countOf(statement(counted.select(PLACEHOLDER))) : statement(counted.select('COUNT(*)', 'total')),
    };
  }

  /** Counts matching rows on the shared pool (request-time checks such as the PDF limit). */
  async count(plan: ExportQueryPlan): Promise<number> {
    const rows: { total: number | string }[] = await this.dataSource.query(plan.count.sql, plan.count.params);
    return Number(rows[0]?.total ?? 0);
  }
}
