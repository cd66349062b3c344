import { dayIn, resolveRelativeDates, resolveRelativeRange } from '../relative-dates.util';

const at = (iso: string): Date => new Date(iso);

describe('relative dates', () => {
  it('resolves previous_month in the schedule zone, leap February included', () => {
    // 02:00 in New York on March 1st is 07:00 UTC.
    expect(resolveRelativeRange('previous_month', at('2024-03-01T07:00:00Z'), 'America/New_York')).toEqual({
      from: '2024-02-01',
      to: '2024-02-29',
    });
    expect(resolveRelativeRange('previous_month', at('2023-03-01T07:00:00Z'), 'America/New_York')).toEqual({
      from: '2023-02-01',
      to: '2023-02-28',
    });
  });

  it('crosses the year boundary', () => {
    expect(resolveRelativeRange('previous_month', at('2024-01-15T12:00:00Z'), 'UTC')).toEqual({ from: '2023-12-01', to: '2023-12-31' });
    expect(resolveRelativeRange('previous_week', at('2024-01-03T12:00:00Z'), 'UTC')).toEqual({ from: '2023-12-25', to: '2023-12-31' });
  });

  it('tells UTC from New York near midnight', () => {
    // 2024-03-01T03:00Z is still February 29th, 22:00, in New York.
    const instant = at('2024-03-01T03:00:00Z');
    expect(dayIn(instant, 'UTC').toISOString().slice(0, 10)).toBe('2024-03-01');
    expect(dayIn(instant, 'America/New_York').toISOString().slice(0, 10)).toBe('2024-02-29');
    expect(resolveRelativeRange('previous_month', instant, 'UTC')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(resolveRelativeRange('previous_month', instant, 'America/New_York')).toEqual({ from: '2024-01-01', to: '2024-01-31' });
    expect(resolveRelativeRange('previous_day', instant, 'UTC')).toEqual({ from: '2024-02-29', to: '2024-02-29' });
    expect(resolveRelativeRange('previous_day', instant, 'America/New_York')).toEqual({ from: '2024-02-28', to: '2024-02-28' });
  });

  it('is not thrown by a daylight-saving change', () => {
    // New York springs forward on 2024-03-10; the day after still resolves to whole calendar days.
    expect(resolveRelativeRange('previous_day', at('2024-03-11T06:00:00Z'), 'America/New_York')).toEqual({
      from: '2024-03-10',
      to: '2024-03-10',
    });
    expect(resolveRelativeRange('last_7_days', at('2024-03-11T06:00:00Z'), 'America/New_York')).toEqual({
      from: '2024-03-04',
      to: '2024-03-10',
    });
  });

  it('starts weeks on Monday and ends current ranges today', () => {
    // Wednesday 2024-05-15.
    const wednesday = at('2024-05-15T12:00:00Z');
    expect(resolveRelativeRange('current_week', wednesday, 'UTC')).toEqual({ from: '2024-05-13', to: '2024-05-15' });
    expect(resolveRelativeRange('previous_week', wednesday, 'UTC')).toEqual({ from: '2024-05-06', to: '2024-05-12' });
    expect(resolveRelativeRange('current_month', wednesday, 'UTC')).toEqual({ from: '2024-05-01', to: '2024-05-15' });
    expect(resolveRelativeRange('current_day', wednesday, 'UTC')).toEqual({ from: '2024-05-15', to: '2024-05-15' });
    // On a Sunday the current week began six days earlier.
    expect(resolveRelativeRange('current_week', at('2024-05-19T12:00:00Z'), 'UTC')).toEqual({ from: '2024-05-13', to: '2024-05-19' });
  });

  it('counts last_N_days as the whole days before today', () => {
    const instant = at('2024-03-05T12:00:00Z');
    expect(resolveRelativeRange('last_7_days', instant, 'UTC')).toEqual({ from: '2024-02-27', to: '2024-03-04' });
    expect(resolveRelativeRange('last_30_days', instant, 'UTC')).toEqual({ from: '2024-02-04', to: '2024-03-04' });
  });

  it('turns each field into a from_/to_ filter pair', () => {
    expect(
      resolveRelativeDates(
        { posting_date: 'previous_month', transaction_date: 'current_day' },
        at('2024-03-01T07:00:00Z'),
        'America/New_York',
      ),
    ).toEqual({
      from_posting_date: '2024-02-01',
      to_posting_date: '2024-02-29',
      from_transaction_date: '2024-03-01',
      to_transaction_date: '2024-03-01',
    });
  });
});
