import { describe, expect, it } from 'vitest';
import { buildDataset } from './dataset';
import { dateDrift } from './date-drift';
import { mulberry32 } from './split';

/** 2,000 leads over 400 days; `drop` is how much less the newest 40 days' leads convert. */
function leads(drop: number): Array<Record<string, string>> {
  const random = mulberry32(4);
  return Array.from({ length: 2000 }, (_, i) => {
    const day = i % 400;
    const rate = day >= 360 ? 0.3 - drop : 0.3;
    return { Created: new Date(Date.UTC(2020, 0, 1 + day)).toISOString().slice(0, 10), Won: random() < rate ? 'yes' : 'no' };
  });
}

describe('dateDrift', () => {
  it('warns when the newest leads convert far less than the older ones, with the figures', () => {
    const rows = leads(0.2);
    const drift = dateDrift(rows, buildDataset(rows, { outcome: { column: 'Won' }, columns: {} }), 'Created');
    expect(drift).toMatchObject({ column: 'Created', newestLeads: 200 });
    expect(drift!.newestRate).toBeLessThan(0.15);
    expect(drift!.olderRate).toBeGreaterThan(0.25);
    expect(drift!.warning).toMatch(/^"Created": the newest leads \(200, from \d{4}-\d{2}-\d{2} on\) convert at .* Recent leads may not have had time to convert yet/);
  });

  it('says nothing when conversion holds over time', () => {
    const rows = leads(0);
    expect(dateDrift(rows, buildDataset(rows, { outcome: { column: 'Won' }, columns: {} }), 'Created')).toBeUndefined();
  });
});
