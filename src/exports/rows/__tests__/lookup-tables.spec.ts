import { keyMatch } from '../lookup-tables';

const column = (dataType: string, collation: string | null, charset: string | null = collation ? 'utf8mb4' : null) => ({
  dataType,
  charset,
  collation,
});

describe(keyMatch.name, () => {
  it('compares integers and NO PAD binary strings exactly, PAD SPACE binary strings without trailing spaces', () => {
    expect(keyMatch(column('int', null), column('int', null))).toBe('exact');
    expect(keyMatch(column('varchar', 'utf8mb4_nopad_bin'), column('varchar', 'utf8mb4_nopad_bin'))).toBe('exact');
    expect(keyMatch(column('varchar', 'utf8mb4_0900_bin'), column('varchar', 'utf8mb4_0900_bin'))).toBe('exact');
    expect(keyMatch(column('varchar', 'utf8mb4_bin'), column('varchar', 'utf8mb4_bin'))).toBe('pad-space');
  });

  it('keeps the join for any other collation, for columns that differ, and for a column it cannot find', () => {
    expect(keyMatch(column('varchar', 'utf8mb4_unicode_ci'), column('varchar', 'utf8mb4_unicode_ci'))).toBeUndefined();
    expect(keyMatch(column('varchar', 'utf8mb4_general_ci'), column('varchar', 'utf8mb4_general_ci'))).toBeUndefined();
    expect(keyMatch(column('varchar', 'utf8mb4_bin'), column('varchar', 'utf8mb4_unicode_ci'))).toBeUndefined();
    expect(keyMatch(column('int', null), column('bigint', null))).toBeUndefined();
    expect(keyMatch(column('varchar', 'utf8mb4_bin'), column('varchar', 'utf8mb3_bin', 'utf8mb3'))).toBeUndefined();
    expect(keyMatch(column('decimal', null), column('decimal', null))).toBeUndefined();
    expect(keyMatch(column('varchar', 'utf8mb4_bin'), undefined)).toBeUndefined();
    expect(keyMatch(undefined, column('varchar', 'utf8mb4_bin'))).toBeUndefined();
  });
});
