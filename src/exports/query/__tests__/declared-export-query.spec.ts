import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { CurbExportQuery } from '../../../curb/curb-export.query';
import { DeclaredExportQuery, titleCase } from '../declared-export-query';
import type { ExportDeclaration } from '../declared-export-query';

@Entity('widgets')
class Widget {
  @PrimaryGeneratedColumn({ type: 'integer' }) id!: number;
  @Column({ type: 'varchar', length: 30 }) widget_no!: string;
  @Column({ type: 'decimal', precision: 10, scale: 2 }) price!: string;
  @Column({ type: 'datetime' }) made_at!: string;
  @Column({ type: 'boolean' }) shiny!: boolean;
}

class WidgetExportQuery extends DeclaredExportQuery {
  constructor(overrides: Partial<ExportDeclaration> = {}) {
    super({
      exportType: 'WIDGETS',
      title: 'Widgets',
      entity: Widget,
      columns: ['id', 'widget_no', 'price', 'made_at'],
      optional: ['id'],
      headers: { price: 'Unit Price' },
      filters: { date: ['made'], amount: ['price'], values: ['widget_no'] },
      filterColumns: { made: 'made_at' },
      orderBy: ['made_at', 'id'],
      ...overrides,
    });
  }
}

describe(DeclaredExportQuery.name, () => {
  it('takes the table, column types and widths from the entity, headers from the names', () => {
    const query = new WidgetExportQuery();
    expect(query.table).toBe('widgets');
    expect(query.fileStem).toBe('widgets');
    expect(query.columns).toEqual([
      { key: 'id', header: 'ID', type: 'integer', width: 10, optional: true },
      { key: 'widget_no', header: 'Widget No.', type: 'text', width: 32 },
      { key: 'price', header: 'Unit Price', type: 'decimal', width: 12 },
      { key: 'made_at', header: 'Made At', type: 'datetime', width: 20 },
    ]);
    expect(query.filters).toEqual([
      { name: 'made', kind: 'date', column: 'made_at' },
      { name: 'price', kind: 'amount' },
      { name: 'widget_no', kind: 'values' },
    ]);
  });

  it('refuses a column the entity does not have, or one of a type it cannot export', () => {
    expect(() => new WidgetExportQuery({ columns: ['colour'] })).toThrow('WIDGETS: Widget.colour is not a column of an exportable type');
    expect(() => new WidgetExportQuery({ columns: ['shiny'] })).toThrow('Widget.shiny');
  });

  it('maps CURB trip_date and amount filters to start_time and total_amount', () => {
    const curb = new CurbExportQuery();
    expect(curb.filters.filter((f) => f.kind !== 'values')).toEqual([
      { name: 'trip_date', kind: 'date', column: 'start_time' },
      { name: 'amount', kind: 'amount', column: 'total_amount' },
    ]);
  });

  it.each([
    ['transaction_id', 'Transaction ID'],
    ['vin', 'VIN'],
    ['medallion_no', 'Medallion No.'],
  ])('title-cases %s as %s', (key, header) => expect(titleCase(key)).toBe(header));
});
