import type { LookupTable } from '../query/export-query.planner';
import type { ExportRow } from '../writers/export-writer';

/**
 * How the server compares a join's two key columns, where a JavaScript Map can do the same:
 * `exact` (integers, or a binary NO PAD collation) or `pad-space` (a binary PAD SPACE collation:
 * `'D1'` equals `'D1 '`). Any other collation (`utf8mb4_unicode_ci` equals `d1`, `D1` and `Ḏ1`)
 * has no Map equivalent, and the join stays in SQL.
 */
export type KeyMatch = 'exact' | 'pad-space';

/** A key column as `information_schema.COLUMNS` describes it. */
export interface KeyColumn {
  dataType: string;
  charset: string | null;
  collation: string | null;
}

const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'bigint']);
const STRING_TYPES = new Set(['char', 'varchar']);

/** How the joined table's key and the exported row's column holding it compare (both as found, or missing). */
export function keyMatch(key: KeyColumn | undefined, reference: KeyColumn | undefined): KeyMatch | undefined {
  if (!key || !reference) return undefined;
  if (key.dataType !== reference.dataType || key.charset !== reference.charset || key.collation !== reference.collation) return undefined;
  if (INTEGER_TYPES.has(key.dataType)) return 'exact';
  if (!STRING_TYPES.has(key.dataType) || !key.collation?.endsWith('_bin')) return undefined;
  // MariaDB's utf8mb4_nopad_bin, MySQL 8's utf8mb4_0900_bin; the other _bin collations pad
  return /_nopad_|_0900_/.test(key.collation) ? 'exact' : 'pad-space';
}

/** PAD SPACE compares as if the shorter string were padded with spaces: equal once trailing spaces go. */
function padSpaceKey(key: unknown): unknown {
  return typeof key === 'string' && key.endsWith(' ') ? key.replace(/ +$/, '') : key;
}

/**
 * Joined tables read once, in the export's snapshot, and applied to every row: each looked-up
 * column holds the row's key until `fill` replaces it by the joined value (null where no row
 * matches, as a LEFT JOIN gives).
 */
export class LookupTables {
  private constructor(private readonly tables: readonly { slots: readonly number[]; values: Map<unknown, unknown[]>; match: KeyMatch }[]) {}

  /** `rows` of each table: its key then its values, as `LookupTable.rows` selects them. */
  static of(tables: readonly { table: LookupTable; match: KeyMatch; rows: readonly unknown[][] }[]): LookupTables {
    return new LookupTables(
      tables.map(({ table, match, rows }) => {
        const normal = match === 'pad-space' ? padSpaceKey : (key: unknown) => key;
        return { slots: table.slots, match, values: new Map(rows.map(([key, ...values]) => [normal(key), values])) };
      }),
    );
  }

  fill(batch: readonly ExportRow[]): void {
    for (const { slots, values, match } of this.tables) {
      const [keySlot] = slots;
      for (const row of batch) {
        const key = row[keySlot];
        const found = key === null ? undefined : values.get(match === 'pad-space' ? padSpaceKey(key) : key);
        for (let index = 0; index < slots.length; index++) row[slots[index]] = found ? found[index] : null;
      }
    }
  }
}
