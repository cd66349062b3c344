import { getMetadataArgsStorage } from 'typeorm';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { exportColumn } from './export-columns';
import type { ColumnDeclaration } from './export-columns';
import type { ColumnType, ExportColumn, ExportLookup, ExportQueryProvider, ExportQueryScope, FilterSpec } from './export-query.provider';

type EntityClass = abstract new (...args: never[]) => object;

/** The alias a declared export reads its entity's table as; join conditions refer to it. */
export const SOURCE_ALIAS = 't';

/**
 * A table left-joined to the exported one on a unique key (so it never adds or drops rows), and
 * the columns read through it. Joins are made only for exports that use one of their columns.
 */
export interface ExportJoin {
  /** The joined table's alias in column expressions: `maker.name`. */
  alias: string;
  entity: EntityClass;
  /** The joined table's unique key column, equal to `references` of the exported row: `maker_no`. */
  key: string;
  /** The exported entity's column holding the key: `maker_no`. */
  references: string;
  columns: Readonly<Record<string, Omit<ColumnDeclaration, 'key' | 'optional'>>>;
}

export interface ExportDeclaration {
  exportType: string;
  title: string;
  /** The role a caller needs to export this type; see `ExportQueryProvider.requiredRole`. */
  requiredRole?: string;
  /** The TypeORM entity whose table is exported; column types come from its metadata. */
  entity: EntityClass;
  /** Output columns in order: entity property names, or columns of `joins`. */
  columns: readonly string[];
  /** Columns left out unless requested by `columns`. */
  optional?: readonly string[];
  /** Header labels where the title-cased column name does not read well. */
  headers?: Readonly<Record<string, string>>;
  joins?: readonly ExportJoin[];
  filters: { date?: readonly string[]; amount?: readonly string[]; values?: readonly string[] };
  /** Filters that apply to a column of another name (`trip_date` → `start_time`). */
  filterColumns?: Readonly<Record<string, string>>;
  /** Entity columns giving a total order, ideally an index's columns so rows stream in index order. */
  orderBy: readonly string[];
  fileDateFilter?: string;
}

/** A column's source: where its expression reads from, and the join it needs, if any. */
interface Source {
  declaration: Omit<ColumnDeclaration, 'key' | 'optional'>;
  join?: string;
}

const TYPES: Record<string, ColumnType> = {
  varchar: 'text',
  text: 'text',
  integer: 'integer',
  int: 'integer',
  decimal: 'decimal',
  date: 'date',
  datetime: 'datetime',
};
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function entityTable(entity: EntityClass): string {
  const table = getMetadataArgsStorage().tables.find((candidate) => candidate.target === entity);
  if (!table?.name) throw new Error(`${entity.name} is not an @Entity with a table name`);
  return table.name;
}

/** Every column the declaration can name: the entity's own (as `t.column`) and the joins'. */
function sources(declaration: ExportDeclaration): Map<string, Source> {
  const found = new Map<string, Source>();
  for (const column of getMetadataArgsStorage().columns.filter((candidate) => candidate.target === declaration.entity)) {
    const type = TYPES[String(column.options.type)];
    if (!type || !IDENTIFIER.test(column.propertyName)) continue;
    const length = typeof column.options.length === 'number' ? column.options.length : Number(column.options.length ?? 0);
    found.set(column.propertyName, { declaration: { type, expression: `${SOURCE_ALIAS}.\`${column.propertyName}\``, length } });
  }
  for (const join of declaration.joins ?? []) {
    for (const [key, column] of Object.entries(join.columns)) found.set(key, { declaration: column, join: join.alias });
  }
  return found;
}

/**
 * An export type declared as data: the entity, its column keys in order, the tables joined for
 * columns that live elsewhere, and its filters by kind. Types, widths and headers come from the
 * entity's metadata; the query is built from the declaration (sugar over `ExportQueryProvider`).
 */
export abstract class DeclaredExportQuery implements ExportQueryProvider {
  readonly exportType: string;
  readonly title: string;
  readonly fileStem: string;
  readonly requiredRole?: string;
  readonly columns: readonly ExportColumn[];
  readonly filters: readonly FilterSpec[];
  readonly orderBy: readonly string[];
  readonly fileDateFilter?: string;
  private readonly table: string;
  private readonly joins: readonly ExportJoin[];
  /** Column keys, and filter names, that read through a join: the join's alias. */
  private readonly columnJoins = new Map<string, string>();
  private readonly filterJoins = new Map<string, string>();

  protected constructor(declaration: ExportDeclaration) {
    const { exportType } = declaration;
    const known = sources(declaration);
    const source = (key: string): Source => {
      const found = known.get(key);
      if (!found)
        throw new Error(`${exportType}: ${key} is neither an exportable column of ${declaration.entity.name} nor a joined column`);
      return found;
    };

    this.exportType = exportType;
    this.title = declaration.title;
    this.fileStem = exportType.toLowerCase();
    this.requiredRole = declaration.requiredRole;
    this.table = entityTable(declaration.entity);
    this.joins = declaration.joins ?? [];
    this.fileDateFilter = declaration.fileDateFilter;

    this.columns = declaration.columns.map((key) => {
      const { declaration: column, join } = source(key);
      if (join) this.columnJoins.set(key, join);
      const header = declaration.headers?.[key] ?? column.header;
      return exportColumn({ ...column, key, header, optional: declaration.optional?.includes(key) });
    });
    this.filters = (['date', 'amount', 'values'] as const).flatMap((kind) =>
      (declaration.filters[kind] ?? []).map((name): FilterSpec => {
        const target = declaration.filterColumns?.[name] ?? name;
        const { declaration: column, join } = source(target);
        if (join) this.filterJoins.set(name, join);
        const narrows = declaration.columns.includes(target) ? { column: target } : {};
        return { name, kind, expression: column.expression, stage: 'where', ...narrows };
      }),
    );
    this.orderBy = declaration.orderBy.map((key) => {
      const { declaration: column, join } = source(key);
      if (join) throw new Error(`${exportType}: order column ${key} must be a column of ${declaration.entity.name}`);
      return column.expression;
    });
  }

  query(qb: SelectQueryBuilder<ObjectLiteral>, scope: ExportQueryScope): SelectQueryBuilder<ObjectLiteral> {
    const filtered = this.filterAliases(scope);
    const looked = new Set(scope.lookups ? this.lookups(scope).map((lookup) => lookup.alias) : []);
    const needed = new Set([...scope.columns.map((column) => this.columnJoins.get(column.key)), ...filtered]);
    qb.from(this.table, SOURCE_ALIAS);
    for (const join of this.joins) {
      if (!needed.has(join.alias) || looked.has(join.alias)) continue;
      qb.leftJoin(entityTable(join.entity), join.alias, `${join.alias}.\`${join.key}\` = ${SOURCE_ALIAS}.\`${join.references}\``);
    }
    return qb;
  }

  /** The joins this export needs for columns only (no filter reads through them). */
  lookups(scope: ExportQueryScope): ExportLookup[] {
    const filtered = this.filterAliases(scope);
    return this.joins.flatMap((join): ExportLookup[] => {
      const columns = scope.columns.filter((column) => this.columnJoins.get(column.key) === join.alias).map((column) => column.key);
      if (columns.length === 0 || filtered.has(join.alias)) return [];
      const table = entityTable(join.entity);
      return [
        {
          alias: join.alias,
          table,
          key: join.key,
          sourceTable: this.table,
          references: join.references,
          keyExpression: `${SOURCE_ALIAS}.\`${join.references}\``,
          values: Object.fromEntries(columns.map((key) => [key, join.columns[key].expression])),
        },
      ];
    });
  }

  private filterAliases(scope: ExportQueryScope): Set<string | undefined> {
    return new Set(scope.filters.map((filter) => this.filterJoins.get(filter.name)));
  }
}
