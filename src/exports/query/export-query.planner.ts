import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { applyFilters } from './export-filters';
import type { NormalizedFilters } from './export-filters';
import type { ExportColumn, ExportQueryProvider } from './export-query.provider';

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

/** Builds export SQL with TypeORM's query builder, in the dialect of the configured database. */
@Injectable()
export class ExportQueryPlanner {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  plan(provider: ExportQueryProvider, filters: NormalizedFilters, columns: readonly ExportColumn[]): ExportQueryPlan {
    const base = () => applyFilters(this.dataSource.createQueryBuilder().from(provider.table, 't'), 't', provider, filters);

    const selectQb = base();
    selectQb.select(columns.map((column) => `t.${selectQb.escape(column.key)}`));
    for (const key of provider.orderBy) selectQb.addOrderBy(`t.${selectQb.escape(key)}`, 'ASC');

    const countQb = base().select('COUNT(*)', 'total');
    const [selectSql, selectParams] = selectQb.getQueryAndParameters();
    const [countSql, countParams] = countQb.getQueryAndParameters();
    return { columns, select: { sql: selectSql, params: selectParams }, count: { sql: countSql, params: countParams } };
  }

  /** Counts matching rows on the shared pool (request-time checks such as the PDF limit). */
  async count(plan: ExportQueryPlan): Promise<number> {
    const rows: { total: number | string }[] = await this.dataSource.query(plan.count.sql, plan.count.params);
    return Number(rows[0]?.total ?? 0);
  }
}
