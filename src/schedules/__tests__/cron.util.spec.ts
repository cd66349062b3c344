import { canonicalTimeZone, cronError, nextOccurrences, shortestInterval } from '../cron.util';

describe('cron', () => {
  it('accepts 5 and 6 fields and names what is wrong otherwise', () => {
    expect(cronError('0 2 1 * *')).toBeUndefined();
    expect(cronError('*/5 * * * * *')).toBeUndefined();
    expect(cronError('* * * *')).toMatch(/^cron must have 5 fields .* got 4$/);
    expect(cronError('0 0 0 1 1 * 2024')).toMatch(/got 7$/);
    expect(cronError('61 * * * *')).toMatch(/^cron is not a valid expression: .*0-59/);
    expect(cronError('0 0 31 2 *')).toMatch(/^cron is not a valid expression/);
  });

  it('reads the expression in the schedule zone', () => {
    const [run] = nextOccurrences('0 2 1 * *', 'America/New_York', new Date('2024-02-15T00:00:00Z'), 1);
    expect(run.toISOString()).toBe('2024-03-01T07:00:00.000Z');
    const [summer] = nextOccurrences('0 2 1 * *', 'America/New_York', new Date('2024-06-15T00:00:00Z'), 1);
    expect(summer.toISOString()).toBe('2024-07-01T06:00:00.000Z');
  });

  it('finds the shortest gap, even when the gaps are uneven or cross midnight', () => {
    expect(shortestInterval('* * * * * *')).toBe(1000);
    expect(shortestInterval('*/10 * * * *')).toBe(600_000);
    expect(shortestInterval('0 0,1 * * *')).toBe(3_600_000);
    expect(shortestInterval('0,30 59 23 * * *')).toBe(30_000);
    expect(shortestInterval('0 0,23 * * *')).toBe(3_600_000);
    expect(shortestInterval('0 9 * * 1-5')).toBe(86_400_000);
    expect(shortestInterval('0 2 1 * *')).toBe(86_400_000);
  });

  it('takes IANA zones in canonical form and refuses the rest', () => {
    expect(canonicalTimeZone('America/New_York')).toBe('America/New_York');
    expect(canonicalTimeZone('utc')).toBe('UTC');
    expect(canonicalTimeZone('Mars/Olympus_Mons')).toBeUndefined();
    expect(canonicalTimeZone('+05:00')).toBeUndefined();
  });
});
