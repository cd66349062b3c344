import { PassThrough } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { ExportQueryPlan } from '../src/exports/query/export-query.planner';
import type { FileColumn } from '../src/exports/query/export-query.provider';
import { MysqlRowSourceFactory } from '../src/exports/rows/mysql-row.source';
import { CsvWriter } from '../src/exports/writers/csv.writer';
import { writeBatch } from '../src/exports/writers/export-writer';
import { WireRows } from '../src/exports/writers/wire-rows';
import { createTestStack } from './support/test-app';
import type { TestStack } from './support/test-app';

/** Text a cell may hold that the csv writer must quote, guard or encode, and text it copies. */
const TEXTS = [
  'plain',
  '',
  'a,b',
  'say "hi"',
  'line\nbreak',
  'cr\rhere',
  '=1+2',
  '-1+2',
  '-12.50',
  '@SUM(A1)',
  '\tlead',
  'José Núñez',
  '漢字 😀',
  'x'.repeat(300),
  'y'.repeat(70_000),
];

/** Every column type the wire reader copies, with the values that test each one's text. */
const TABLE = `CREATE TABLE cells (
  id INT PRIMARY KEY,
  small SMALLINT,
  big BIGINT UNSIGNED,
  amount DECIMAL(12,2),
  day DATE,
  at DATETIME(3),
  stamp TIMESTAMP NULL,
  label VARCHAR(300),
  note MEDIUMTEXT,
  kind ENUM('a', 'b')
) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;

describe('Rows read as the server sent them, written byte for byte as from decoded rows (MariaDB)', () => {
  let stack: TestStack;
  let factory: MysqlRowSourceFactory;

  beforeAll(async () => {
    stack = await createTestStack({ database: 'mariadb', redis: false, domains: [] });
    await stack.db.query(TABLE);
    await stack.db.query('CREATE TABLE odd (id INT PRIMARY KEY, ratio DOUBLE, code INT(5) ZEROFILL, label VARCHAR(20))');
    // 1,200 rows: batches of 250 end inside rows of every kind, and a 70 KB note makes a batch's buffer grow
    for (let id = 1; id <= 1_200; id++) {
      const text = (offset: number) => (id % 7 === offset ? null : TEXTS[(id + offset) % TEXTS.length]);
      await stack.db.query('INSERT INTO cells VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
        id,
        id % 5 === 0 ? null : (id % 2 ? -1 : 1) * id * 13,
        id % 3 === 0 ? '18446744073709551615' : String(id * 1_000_003),
        id % 4 === 0 ? null : `${id % 2 ? '-' : ''}${id}.${String(id % 100).padStart(2, '0')}`,
        `2024-${String((id % 12) + 1).padStart(2, '0')}-28`,
        `2024-02-29 23:59:${String(id % 60).padStart(2, '0')}.${String(id % 1000).padStart(3, '0')}`,
        id % 6 === 0 ? null : '2025-06-30 12:00:00',
        text(1)?.slice(0, 300) ?? null,
        text(2),
        id % 2 ? 'a' : 'b',
      ]);
    }
    await stack.db.query("INSERT INTO odd VALUES (1, 1e20, 7, '=x'), (2, -0.000001, 42, 'plain'), (3, NULL, NULL, NULL)");
    factory = new MysqlRowSourceFactory(stack.config);
  });

  afterAll(async () => {
    await stack?.teardown();
  });

  const columnsOf = (names: string[]): FileColumn[] => names.map((key) => ({ key, header: key, type: 'text' }));

  const plan = (sql: string): ExportQueryPlan => ({
    columns: [],
    select: { sql, params: [] },
    count: { sql: `SELECT COUNT(*) FROM (${sql}) counted`, params: [] },
  });

  /** The csv file of `sql`'s rows, read as wire rows where they may be or decoded, and the kinds of batch that came. */
  async function csvOf(sql: string, names: string[], wire: boolean): Promise<{ file: Buffer; kinds: Set<string> }> {
    const source = await factory.open(plan(sql));
    const out = new PassThrough();
    const writer = new CsvWriter().open(out, {
      exportId: 1,
      exportType: 'CELLS',
      title: 'Cells',
      columns: columnsOf(names),
      filters: {},
      totalRecords: await source.count(),
      generatedAt: new Date(),
    });
    const file = buffer(out);
    const kinds = new Set<string>();
    try {
      for await (const batch of source.batches({ wire })) {
        kinds.add(batch instanceof WireRows ? 'wire' : 'decoded');
        await writeBatch(writer, batch);
      }
      await writer.finish();
    } finally {
      await source.close();
    }
    return { file: await file, kinds };
  }

  const CELLS = ['id', 'small', 'big', 'amount', 'day', 'at', 'stamp', 'label', 'note', 'kind'];

  it('copies integers, decimals, dates, datetimes and UTF-8 text from the wire, and the file is the decoded rows’ file', async () => {
    const sql = `SELECT ${CELLS.join(', ')} FROM cells ORDER BY id`;
    const [wire, decoded] = [await csvOf(sql, CELLS, true), await csvOf(sql, CELLS, false)];
    expect(wire.kinds).toEqual(new Set(['wire']));
    expect(decoded.kinds).toEqual(new Set(['decoded']));
    expect(wire.file.equals(decoded.file)).toBe(true);
    const text = wire.file.toString();
    expect(text).toContain(`"say ""hi"""`);
    expect(text).toContain(`'=1+2`);
    expect(text).toContain(',-12.50,');
    expect(text).toContain('18446744073709551615');
    expect(text).toContain('漢字 😀');
    expect(text.split('\r\n').length).toBeGreaterThan(1_200);
  });

  it('reads decoded rows where a column’s text is not its value (a float, a zero-filled integer), with the same file', async () => {
    for (const names of [
      ['id', 'ratio', 'label'],
      ['id', 'code', 'label'],
    ]) {
      const sql = `SELECT ${names.join(', ')} FROM odd ORDER BY id`;
      const [wire, decoded] = [await csvOf(sql, names, true), await csvOf(sql, names, false)];
      expect(wire.kinds).toEqual(new Set(['decoded']));
      expect(wire.file.equals(decoded.file)).toBe(true);
    }
    const { file } = await csvOf('SELECT id, ratio, code, label FROM odd ORDER BY id', ['id', 'ratio', 'code', 'label'], true);
    // mysql2 reads 1e20 as the number 100000000000000000000 and 00007 as 7
    expect(file.toString()).toContain("1,100000000000000000000,7,'=x");
  });
});
