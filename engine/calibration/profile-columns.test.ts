import { describe, expect, it } from 'vitest';
import { parseDate } from '../date-value';
import { isCreationDate, missingTest, parseNumber, profileColumns } from './profile-columns';

const rows = Array.from({ length: 40 }, (_, i) => ({
  id: String(1000 + i),
  email: `lead${i}@example.com`,
  visits: i % 4 === 0 ? '' : String(i % 7),
  minutes: i % 10 === 0 ? 'Select' : `${i},5`,
  source: ['Google', 'Referral', 'Select'][i % 3]!,
  newsletter: 'No',
  blank: ' ',
}));

describe('profileColumns', () => {
  it('tells numbers, categories, identifiers, constants and empty columns apart', () => {
    const byColumn = Object.fromEntries(profileColumns(rows).map((p) => [p.column, p]));
    expect(byColumn.id).toMatchObject({ kind: 'id', unusable: expect.stringContaining('identifier') });
    expect(byColumn.email).toMatchObject({ kind: 'id' });
    expect(byColumn.visits).toMatchObject({ kind: 'number', missing: 10, present: 30, missingShare: 0.25 });
    expect(byColumn.minutes).toMatchObject({ kind: 'number', missing: 4 });
    expect(byColumn.source).toMatchObject({ kind: 'category', distinct: 2, examples: ['Google', 'Referral'] });
    expect(byColumn.newsletter).toMatchObject({ kind: 'constant', unusable: expect.stringContaining('"No"') });
    expect(byColumn.blank).toMatchObject({ kind: 'empty' });
  });

  it('takes the missing tokens it is given', () => {
    const [source] = profileColumns(rows, { columns: ['source'], missingTokens: [''] });
    expect(source).toMatchObject({ distinct: 3, missing: 0 });
  });
});

describe('parseNumber and missingTest', () => {
  it.each([
    ['12', 12],
    [' -3.5 ', -3.5],
    ['2,5', 2.5],
    ['.5', 0.5],
    ['1e3', 1000],
    ['12 visits', undefined],
    ['1,234.5', undefined],
    ['', undefined],
  ])('parseNumber(%j) = %j', (text, value) => expect(parseNumber(text)).toBe(value));

  it('ignores case and surrounding spaces of missing tokens', () => {
    const missing = missingTest(['', 'Select']);
    expect([' select ', '', undefined, 'Selected'].map(missing)).toEqual([true, true, true, false]);
  });
});

describe('dates', () => {
  it('reads ISO dates and yyyymmdd as days, and nothing that is not a real day', () => {
    expect(parseDate('1970-01-02')).toBe(1);
    expect(parseDate(' 19700102 ')).toBe(1);
    expect(parseDate('2024-03-31T10:15:00Z')).toBe(parseDate('20240331'));
    for (const text of ['20240431', '2024-13-01', '20241', '31/03/2024', '12345678', 'soon']) expect(parseDate(text), text).toBeUndefined();
  });

  it('profiles a column of dates as a date; a creation date is left out of scoring with the reason', () => {
    const dated = Array.from({ length: 30 }, (_, i) => ({ created: `202401${String(1 + (i % 28)).padStart(2, '0')}`, 'Last Activity': i % 5 === 0 ? '' : `2024-02-${String(1 + (i % 28)).padStart(2, '0')}` }));
    const [created, activity] = profileColumns(dated);
    expect(created).toMatchObject({ kind: 'date', unusable: expect.stringContaining('creation date: a new lead is always 0 days old') });
    expect(activity).toMatchObject({ kind: 'date', present: 24 });
    expect(activity).not.toHaveProperty('unusable');
  });

  it.each([
    ['Created Date', true],
    ['CreatedDate', true],
    ['Signup Date', true],
    ['date_added', true],
    ['First Seen', true],
    ['Last Activity Date', false],
    ['Last Email Open', false],
    ['Demo Date', false],
    ['Last Form Submitted', false],
    ['Latest Signup Attempt', false],
    ['Registration Date', true],
    ['Webinar Registered', false],
  ])('reads %j as a creation date: %j', (header, creation) => expect(isCreationDate(header)).toBe(creation));
});
