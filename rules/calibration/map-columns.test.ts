import { describe, expect, it } from 'vitest';
import { buildDataset } from '../../engine/calibration/dataset';
import { profileColumns } from '../../engine/calibration/profile-columns';
import { attributeNames, leadAttributeReader, proposeMapping } from './map-columns';

describe('attributeNames', () => {
  it('names attributes as the API import does', () => {
    expect(attributeNames(['Lead Source', 'TotalVisits', 'What is your current occupation', '2nd choice', 'City', 'city', '---'])).toEqual([
      'leadSource',
      'totalVisits',
      'whatIsYourCurrentOccupation',
      'c2ndChoice',
      'city',
      'city_2',
      'column',
    ]);
  });
});

describe('proposeMapping', () => {
  const rows = Array.from({ length: 30 }, (_, i) => ({
    'Prospect ID': `p-${i}`,
    'Lead Source': ['Google', 'Referral'][i % 2]!,
    'Company Size': ['small', 'large'][i % 2]!,
    Visits: i % 5 === 0 ? 'Select' : String(i % 4),
    Magazine: 'No',
    Converted: String(i % 2),
  }));
  const profiles = profileColumns(rows);

  it('keeps numbers and categories, uses catalogue attributes where the type fits, and says why the rest is left out', () => {
    const { mappings, ignored } = proposeMapping(profiles, { outcome: 'Converted' });
    expect(mappings).toEqual([
      { column: 'Lead Source', kind: 'category', attribute: 'leadSource', fact: 'lead.leadSource', type: 'string', declared: false },
      { column: 'Visits', kind: 'number', attribute: 'visits', fact: 'lead.visits', type: 'number', declared: true },
    ]);
    expect(Object.fromEntries(ignored.map(({ column, reason }) => [column, reason]))).toEqual({
      'Prospect ID': expect.stringContaining('identifier'),
      'Company Size': 'its attribute "companySize" is a number in the facts catalogue, but the column holds text',
      Magazine: expect.stringContaining('same value'),
      Converted: 'the outcome',
    });
  });

  it('follows the user: exclusions and column types', () => {
    const { mappings, ignored } = proposeMapping(profiles, { outcome: 'Converted', exclude: ['Lead Source'], types: { Visits: 'category', Magazine: 'ignore' } });
    expect(mappings.map((m) => [m.column, m.kind, m.type])).toEqual([['Visits', 'category', 'string']]);
    expect(ignored.find((i) => i.column === 'Lead Source')?.reason).toBe('left out by the user');
  });

  it('reads lead attributes from the data set, leaving missing values unset', () => {
    const { mappings } = proposeMapping(profiles, { outcome: 'Converted' });
    const data = buildDataset(rows, { outcome: { column: 'Converted' }, columns: { 'Lead Source': 'category', Visits: 'number' } });
    const read = leadAttributeReader(data, mappings);
    expect([read(0), read(1)]).toEqual([{ leadSource: 'Google' }, { leadSource: 'Referral', visits: 1 }]);
  });
});
