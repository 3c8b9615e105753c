import { describe, expect, it } from 'vitest';
import { relabelThreshold } from './threshold-label';

describe('relabelThreshold', () => {
  it('names the new value where the label states the old one', () => {
    expect(relabelThreshold('Marketing-qualified at 60', 60, 70)).toBe('Marketing-qualified at 70');
    expect(relabelThreshold('Enterprise: qualified at 80 points', 80, 75)).toBe('Enterprise: qualified at 75 points');
    expect(relabelThreshold('≥60 is sales-ready', 60, 65)).toBe('≥65 is sales-ready');
  });

  it('leaves other numbers and labels without the value alone', () => {
    expect(relabelThreshold('Top 600 accounts at 60', 60, 70)).toBe('Top 600 accounts at 70');
    expect(relabelThreshold('Marketing-qualified', 60, 70)).toBe('Marketing-qualified');
    expect(relabelThreshold('Tier 2 at 60.5', 60, 70)).toBe('Tier 2 at 60.5');
    expect(relabelThreshold('Marketing-qualified at 60', 60, 60)).toBe('Marketing-qualified at 60');
  });
});
