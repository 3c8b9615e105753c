import { describe, expect, it } from 'vitest';
import { recommendThreshold } from './threshold';

describe('recommendThreshold', () => {
  // Ten leads per score 0..9; a lead with score s converts s times in ten.
  const scores = Array.from({ length: 100 }, (_, i) => Math.floor(i / 10));
  const labels = scores.map((s, i) => (i % 10 < s ? 1 : 0));

  it('takes the lowest threshold whose leads at or above it reach the target', () => {
    // At or above 7: (7 + 8 + 9) / 30 = 0.8; at or above 6: 30 / 40 = 0.75.
    expect(recommendThreshold(scores, labels, { target: 0.8 })).toEqual({ threshold: 7, target: 0.8, conversion: 0.8, leads: 30, share: 0.3, reached: true });
    expect(recommendThreshold(scores, labels, { target: 0.7 }).threshold).toBe(5);
  });

  it('ignores selections smaller than minLeads, and says when the target is out of reach', () => {
    expect(recommendThreshold(scores, labels, { target: 0.9, minLeads: 10 })).toMatchObject({ threshold: 9, conversion: 0.9, reached: true });
    expect(recommendThreshold(scores, labels, { target: 0.95, minLeads: 10 })).toMatchObject({ threshold: 9, conversion: 0.9, reached: false });
    expect(recommendThreshold(scores, labels, { target: 0.9, minLeads: 20 })).toMatchObject({ threshold: 8, reached: false });
  });

  it('refuses no leads and a target outside (0, 1]', () => {
    expect(() => recommendThreshold([], [])).toThrow(/no leads/);
    expect(() => recommendThreshold([1], [1], { target: 80 })).toThrow(/target/);
  });
});
