import { describe, expect, it } from 'vitest';
import { scoreColour } from './palette';

describe('score colours', () => {
  it('give each score one colour whatever the order it is listed in, fit and engagement apart', () => {
    expect(scoreColour('fit')).not.toBe(scoreColour('engagement'));
    expect(scoreColour('analytics')).toBe(scoreColour('analytics'));
    expect(['fit', 'engagement'].map(scoreColour)).toEqual(['engagement', 'fit'].map(scoreColour).reverse());
  });
});
