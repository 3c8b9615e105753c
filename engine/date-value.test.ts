import { describe, expect, it } from 'vitest';
import { dateInstant, isoDay, parseDate } from './date-value';

describe('dateInstant', () => {
  it('reads ISO dates, ISO date and times and yyyymmdd, whatever the machine’s time zone', () => {
    expect(dateInstant('2024-03-31')).toBe(Date.UTC(2024, 2, 31));
    expect(dateInstant(' 20240331 ')).toBe(Date.UTC(2024, 2, 31));
    expect(dateInstant('2024-03-31T10:15:00Z')).toBe(Date.UTC(2024, 2, 31, 10, 15));
    expect(dateInstant('2024-03-31T10:15:00.250+02:00')).toBe(Date.UTC(2024, 2, 31, 8, 15, 0, 250));
    // Without an offset a time is read as UTC, not as the server's local time.
    expect(dateInstant('2024-03-31 10:15')).toBe(Date.UTC(2024, 2, 31, 10, 15));
  });

  it('refuses what is not a real day', () => {
    for (const value of ['20240431', '2024-13-01', '20241', '31/03/2024', '12345678', 'soon', '', 20240331, null, undefined]) {
      expect(dateInstant(value), String(value)).toBeUndefined();
    }
  });
});

describe('parseDate and isoDay', () => {
  it('reads the calendar day as written, its time of day dropped', () => {
    expect(parseDate('1970-01-02')).toBe(1);
    expect(parseDate('2024-03-31T23:30:00-05:00')).toBe(parseDate('20240331'));
    expect(isoDay(parseDate('20240331')!)).toBe('2024-03-31');
    expect(parseDate('2024-02-30')).toBeUndefined();
  });
});
