import { describe, expect, it } from 'vitest';
import { closeRates } from './close-rates';
import { buildDataset } from './dataset';
import { redundantColumns } from './redundancy';
import { mulberry32 } from './split';

describe('redundantColumns', () => {
  const random = mulberry32(3);
  const rows = Array.from({ length: 600 }, (_, i) => {
    const title = ['CEO', 'VP', 'Manager', 'Student'][i % 4]!;
    return {
      Title: title,
      // The same information, coded; empty for some leads.
      Level: random() < 0.2 ? '' : { CEO: 'L1', VP: 'L2', Manager: 'L3', Student: 'L4' }[title]!,
      Region: random() < 0.5 ? 'North' : 'South',
      Won: random() < { CEO: 0.6, VP: 0.4, Manager: 0.2, Student: 0.05 }[title]! ? 'yes' : 'no',
    };
  });
  const dataset = buildDataset(rows, { outcome: { column: 'Won' }, columns: { Title: 'category', Level: 'category', Region: 'category' } });
  const all = rows.map((_, i) => i);
  const table = closeRates(dataset, all, { minSupport: 30 });

  it('leaves out the weaker of two columns that say the same, and nothing else', () => {
    const found = redundantColumns(dataset, all, table, new Map([['Title', 0.8], ['Level', 0.6], ['Region', 0.01]]));
    expect(found).toEqual([{ column: 'Level', sameAs: 'Title', association: expect.closeTo(1, 5), reason: expect.stringContaining('carries the same information as "Title"') }]);
  });

  it('keeps the one that tells more about the outcome', () => {
    expect(redundantColumns(dataset, all, table, new Map([['Title', 0.5], ['Level', 0.7]]))).toMatchObject([{ column: 'Title', sameAs: 'Level' }]);
  });
});
