import { Column, DataSource, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { DeclaredExportQuery } from '../declared-export-query';
import type { ExportDeclaration } from '../declared-export-query';
import { titleCase } from '../export-columns';

@Entity('makers')
class Maker {
  @PrimaryColumn({ type: 'varchar', length: 8 }) maker_no!: string;
  @Column({ type: 'varchar', length: 40 }) name!: string;
}

@Entity('widgets')
class Widget {
  @PrimaryGeneratedColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'varchar', length: 30 }) widget_no!: string;
  @Column({ type: 'decimal', precision: 10, scale: 2 }) price!: string;
  @Column({ type: 'datetime' }) made_at!: string;
  @Column({ type: 'boolean' }) shiny!: boolean;
  @Column({ type: 'varchar', length: 8, nullable: true }) maker_no!: string | null;
}

const MAKER_JOIN = {
  alias: 'maker',
  entity: Maker,
  key: 'maker_no',
  references: 'maker_no',
  columns: { maker_name: { type: 'text' as const, expression: 'maker.name', length: 40 } },
};

class WidgetExportQuery extends DeclaredExportQuery {
  constructor(overrides: Partial<ExportDeclaration> = {}) {
    super({
      exportType: 'WIDGETS',
      title: 'Widgets',
      requiredRole: 'warehouse',
      entity: Widget,
      columns: ['id', 'widget_no', 'price', 'made_at', 'maker_name'],
      optional: ['id', 'maker_name'],
      headers: { price: 'Unit Price' },
      joins: [MAKER_JOIN],
      filters: { date: ['made'], amount: ['price'], values: ['widget_no', 'maker_name'] },
      filterColumns: { made: 'made_at' },
      orderBy: ['made_at', 'id'],
      ...overrides,
    });
  }
}

describe(DeclaredExportQuery.name, () => {
  const dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: [Widget, Maker] });
  const widgets = new WidgetExportQuery();
  const scopeOf = (keys: string[], filterNames: string[], lookups = false) => ({
    columns: widgets.columns.filter((column) => keys.includes(column.key)),
    filters: widgets.filters.filter((filter) => filterNames.includes(filter.name)),
    lookups,
  });
  const sqlFor = (keys: string[], filterNames: string[], lookups = false) =>
    widgets
      .query(dataSource.createQueryBuilder(), scopeOf(keys, filterNames, lookups))
      .select('1')
      .getQuery();

  it('takes column types and widths from the entity and the joins, headers from the names', () => {
    expect(widgets.fileStem).toBe('widgets');
    expect(widgets.requiredRole).toBe('warehouse');
    expect(widgets.columns).toEqual([
      { key: 'id', header: 'ID', type: 'integer', expression: 't.`id`', width: 10, optional: true },
      { key: 'widget_no', header: 'Widget No.', type: 'text', expression: 't.`widget_no`', width: 32 },
      { key: 'price', header: 'Unit Price', type: 'decimal', expression: 't.`price`', width: 12 },
      { key: 'made_at', header: 'Made At', type: 'datetime', expression: 't.`made_at`', width: 20 },
      { key: 'maker_name', header: 'Maker Name', type: 'text', expression: 'maker.name', width: 40, optional: true },
    ]);
    expect(widgets.orderBy).toEqual(['t.`made_at`', 't.`id`']);
  });

  it('maps filters to the expressions of the columns they narrow, joined ones included', () => {
    expect(widgets.filters).toEqual([
      { name: 'made', kind: 'date', expression: 't.`made_at`', stage: 'where', column: 'made_at' },
      { name: 'price', kind: 'amount', expression: 't.`price`', stage: 'where', column: 'price' },
      { name: 'widget_no', kind: 'values', expression: 't.`widget_no`', stage: 'where', column: 'widget_no' },
      { name: 'maker_name', kind: 'values', expression: 'maker.name', stage: 'where', column: 'maker_name' },
    ]);
  });

  it('joins a table only when a chosen column or a used filter reads through it', () => {
    expect(sqlFor(['widget_no', 'price'], ['price'])).not.toContain('JOIN');
    expect(sqlFor(['widget_no', 'maker_name'], [])).toContain('LEFT JOIN "makers" "maker" ON maker.`maker_no` = t.`maker_no`');
    expect(sqlFor(['widget_no'], ['maker_name'])).toContain('LEFT JOIN "makers" "maker"');
  });

  it('offers a join that only adds columns as a lookup, and leaves it out of the query when asked to', () => {
    expect(widgets.lookups(scopeOf(['widget_no', 'maker_name'], []))).toEqual([
      {
        alias: 'maker',
        table: 'makers',
        key: 'maker_no',
        sourceTable: 'widgets',
        references: 'maker_no',
        keyExpression: 't.`maker_no`',
        values: { maker_name: 'maker.name' },
      },
    ]);
    expect(sqlFor(['widget_no', 'maker_name'], [], true)).not.toContain('JOIN');
    expect(widgets.lookups(scopeOf(['widget_no'], []))).toEqual([]);
    // a filter reads through the join: it stays a join
    expect(widgets.lookups(scopeOf(['widget_no', 'maker_name'], ['maker_name']))).toEqual([]);
    expect(sqlFor(['widget_no', 'maker_name'], ['maker_name'], true)).toContain('LEFT JOIN "makers" "maker"');
  });

  it('refuses a column the entity does not have, one of a type it cannot export, or an order through a join', () => {
    expect(() => new WidgetExportQuery({ columns: ['colour'] })).toThrow(
      'WIDGETS: colour is neither an exportable column of Widget nor a joined column',
    );
    expect(() => new WidgetExportQuery({ columns: ['shiny'] })).toThrow('shiny');
    expect(() => new WidgetExportQuery({ orderBy: ['maker_name'] })).toThrow('order column maker_name must be a column of Widget');
  });

  it.each([
    ['transaction_id', 'Transaction ID'],
    ['vin', 'VIN'],
    ['medallion_no', 'Medallion No.'],
  ])('title-cases %s as %s', (key, header) => expect(titleCase(key)).toBe(header));
});
