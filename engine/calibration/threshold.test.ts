import { describe, expect, it } from 'vitest';
import { defaultTarget, recommendThreshold } from './threshold';

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

describe('share bounds and the default target', () => {
  const scores = Array.from({ length: 100 }, (_, i) => Math.floor(i / 10));
  const labels = scores.map((s, i) => (i % 10 < s ? 1 : 0));

  it('moves a threshold that sends too few or too many leads to the nearest one that does not', () => {
    expect(recommendThreshold(scores, labels, { target: 0.95, minLeads: 10, minShare: 0.2 })).toMatchObject({ threshold: 8, share: 0.2, reached: false, bounded: 'min-share' });
    expect(recommendThreshold(scores, labels, { target: 0.5, maxShare: 0.4 })).toMatchObject({ threshold: 6, share: 0.4, reached: true, bounded: 'max-share' });
    expect(recommendThreshold(scores, labels, { target: 0.8, minShare: 0.05, maxShare: 0.4 })).not.toHaveProperty('bounded');
  });

  it('asks for 80 % where the base rate allows it, three times the base rate below', () => {
    expect(defaultTarget(0.385)).toBe(0.8);
    expect(defaultTarget(0.1)).toBeCloseTo(0.3);
    expect(defaultTarget(0.02)).toBeCloseTo(0.06);
  });
});
