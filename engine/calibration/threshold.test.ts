import fc from 'fast-check';
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

describe('share bounds when many leads tie on one score', () => {
  // 3 leads at 9, 67 tied at 5, 30 at 0: "≥ 9" sends 3 %, "≥ 5" sends 70 %, nothing in between.
  const scores = [...Array<number>(3).fill(9), ...Array<number>(67).fill(5), ...Array<number>(30).fill(0)];
  const labels = scores.map((score, i) => (score === 9 || (score === 5 && i % 3 === 0) ? 1 : 0));
  const bounds = { minLeads: 1, minShare: 0.05, maxShare: 0.4 };

  it('takes the threshold nearest the range and names the tie, instead of one far outside it', () => {
    // The target asks for "≥ 9" (3 %); lowering it to send 5 % would send 70 %: 3 % is nearer.
    expect(recommendThreshold(scores, labels, { target: 0.9, ...bounds })).toMatchObject({ threshold: 9, share: 0.03, bounded: 'tied', tie: { score: 5, leads: 67 } });
    // The target asks for everyone (100 %); the nearest to 40 % is "≥ 9" again, not "≥ 5" at 70 %.
    expect(recommendThreshold(scores, labels, { target: 0.1, ...bounds })).toMatchObject({ threshold: 9, share: 0.03, bounded: 'tied', tie: { score: 5, leads: 67 } });
  });

  it('names a tie at the top: 60 % of the leads on the best score', () => {
    const top = [...Array<number>(60).fill(5), ...Array<number>(40).fill(0)];
    const result = recommendThreshold(top, top.map((score, i) => (score === 5 && i % 2 === 1 ? 1 : 0)), { target: 0.3, minShare: 0.05, maxShare: 0.4 });
    expect(result).toMatchObject({ threshold: 5, share: 0.6, bounded: 'tied', tie: { score: 5, leads: 60 } });
  });

  it('sends a share within the range whenever some threshold does, and always says the share it really sends', () => {
    const lead = fc.record({ score: fc.integer({ min: 0, max: 5 }), converted: fc.boolean() });
    // Few distinct scores over many leads: ties everywhere, some wider than the whole range.
    const property = fc.property(fc.array(lead, { minLength: 50, maxLength: 400 }), fc.double({ min: 0.01, max: 1, noNaN: true }), (leads, target) => {
      const s = leads.map((l) => l.score);
      const y = leads.map((l) => (l.converted ? 1 : 0));
      const result = recommendThreshold(s, y, { target, minShare: 0.05, maxShare: 0.4 });
      const sending = (threshold: number) => s.filter((score) => score >= threshold).length;
      expect(result.leads).toBe(sending(result.threshold));
      expect(result.share).toBeCloseTo(sending(result.threshold) / s.length, 12);
      const possible = [...new Set(s)].some((t) => sending(t) >= 20 && sending(t) / s.length >= 0.05 && sending(t) / s.length <= 0.4);
      if (possible) {
        expect(result.share).toBeGreaterThanOrEqual(0.05);
        expect(result.share).toBeLessThanOrEqual(0.4);
        expect(result.bounded).not.toBe('tied');
      } else if (result.share < 0.05 || result.share > 0.4) {
        expect(result.bounded).toBe('tied');
        expect(s.filter((score) => score === result.tie!.score).length).toBe(result.tie!.leads);
      }
    });
    fc.assert(property, { numRuns: 300 });
  });
});
