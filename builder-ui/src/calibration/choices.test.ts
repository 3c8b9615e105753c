import { describe, expect, it } from 'vitest';
import type { CalibrationSettings } from '../api/client';
import { attributeProblem, changesOf, choicesOf, isLeftOut, setLeftOut, setMapping, slug } from './choices';
import { guessOutcome, readHeader } from './read-header';

const settings: CalibrationSettings = { outcome: 'Won', positive: [], seed: 42, target: 0.8, holdout: 0.3, exclude: ['Notes'], include: [], mapping: [{ column: 'Source', attribute: 'leadSource' }] };

describe('choices', () => {
  it('leave flagged columns out unless kept, and others out only when excluded', () => {
    let choices = choicesOf(settings);
    expect(isLeftOut(choices, 'Tags', true)).toBe(true);
    expect(isLeftOut(choices, 'Notes', false)).toBe(true);
    expect(isLeftOut(choices, 'Visits', false)).toBe(false);
    choices = setLeftOut(choices, 'Tags', true, false);
    choices = setLeftOut(choices, 'Notes', false, false);
    choices = setLeftOut(choices, 'Visits', false, true);
    expect(choices).toMatchObject({ include: ['Tags'], exclude: ['Visits'] });
    expect(isLeftOut(setLeftOut(choices, 'Tags', true, true), 'Tags', true)).toBe(true);
  });

  it('send only what differs from the run, and nothing when nothing does', () => {
    const choices = choicesOf(settings);
    expect(changesOf(choices, settings)).toBeUndefined();
    // The same mapping written in another order is no change.
    expect(changesOf(setMapping(setMapping(choices, 'Source', 'attribute', undefined), 'Source', 'attribute', 'leadSource'), settings)).toBeUndefined();
    const changed = setMapping(setMapping(choices, 'Visits', 'kind', 'category'), 'Source', 'attribute', '');
    expect(changed.mapping).toEqual({ Visits: { kind: 'category' } });
    expect(changesOf(changed, settings)).toEqual({ exclude: ['Notes'], include: [], mapping: [{ column: 'Visits', kind: 'category' }], target: 0.8 });
    expect(changesOf({ ...choices, target: 0.7 }, settings)).toMatchObject({ target: 0.7 });
  });

  it('keep a run without a target on the default for its base rate until the user names one', () => {
    const { target: _none, ...byDefault } = settings;
    const choices = choicesOf(byDefault);
    expect(choices).not.toHaveProperty('target');
    expect(changesOf(choices, byDefault)).toBeUndefined();
    expect(changesOf({ ...choices, target: 0.3 }, byDefault)).toMatchObject({ target: 0.3 });
  });

  it('check attribute names as the rule language does, and name test ids after columns', () => {
    expect(attributeProblem('totalVisits')).toBeUndefined();
    expect(attributeProblem('Total visits')).toMatch(/lower-case letter/);
    expect(slug('What is your current occupation')).toBe('what-is-your-current-occupation');
    expect(slug('Lead Quality')).toBe('lead-quality');
    expect(slug('!!')).toBe('column');
  });
});

describe('readHeader', () => {
  it('tells the separator as the API does, sees through quotes, and names columns as the API names them', () => {
    expect(readHeader('a,b,c\n1,2,3\n')).toEqual({ columns: ['a', 'b', 'c'], separator: ',' });
    expect(readHeader('\uFEFFName;"Amount; EUR";;Name\n1;2,5;3;4\n')).toEqual({ columns: ['Name', 'Amount; EUR', 'Column 3', 'Name (2)'], separator: ';' });
    expect(readHeader('a\tb\n1\t2\n').separator).toBe('\t');
    expect(readHeader('a;b\n1;2\n', ',')).toEqual({ columns: ['a;b'], separator: ',' });
    expect(() => readHeader('')).toThrow('no header');
  });

  it('guesses the outcome column by its name', () => {
    expect(guessOutcome(['Lead Source', 'Converted'])).toBe('Converted');
    expect(guessOutcome(['Id', 'Enrolled'])).toBe('Enrolled');
    expect(guessOutcome(['Id', 'Has converted?'])).toBe('Has converted?');
    expect(guessOutcome(['Id', 'Source'])).toBe('');
  });
});
