import { describe, expect, it } from 'vitest';
import { OutcomeError, readOutcomes } from './outcome';

const stages = ['Qualified', 'Lost', 'Open', 'qualified ', '', 'Lost', 'Qualified'].map((Stage, i) => ({ Stage, Opportunity: i % 3 === 0 ? `OPP-${i}` : '', Won: ['yes', 'no', '1', '0', 'TRUE', 'false', ''][i]! }));
const words = { positive: '--positive VALUE…', ifPresent: '--positive-if-present' };

describe('readOutcomes', () => {
  it('reads a yes/no column, dropping empty cells', () => {
    expect(readOutcomes(stages, { column: 'Won' })).toEqual({ labels: [1, 0, 1, 0, 1, 0, undefined], converted: 3, notConverted: 3, dropped: 1 });
  });

  it('with positive values, reads every other filled-in value as not converted', () => {
    expect(readOutcomes(stages, { column: 'Stage', positive: ['QUALIFIED'] })).toMatchObject({ labels: [1, 0, 0, 1, undefined, 0, 1], converted: 3, notConverted: 3, dropped: 1 });
  });

  it('with ifPresent, reads a filled-in cell as converted and an empty one as not', () => {
    const many = [...stages, ...stages];
    expect(readOutcomes(many, { column: 'Opportunity', ifPresent: true })).toMatchObject({ converted: 6, notConverted: 8, dropped: 0 });
  });

  it('says which option to use, in the caller\'s words', () => {
    expect(() => readOutcomes(stages, { column: 'Stage' }, { words })).toThrow(
      '"Stage" is not a yes/no column (it holds "Qualified", "Open", "qualified" and 1 empty cells): name the values that mean converted with --positive VALUE… (every other value then means not converted), or use --positive-if-present if a filled-in cell means converted',
    );
    const ids = Array.from({ length: 10 }, (_, i) => ({ Opportunity: i < 2 ? `OPP-${i}` : '' }));
    expect(() => readOutcomes(ids, { column: 'Opportunity', positive: ['OPP-0', 'OPP-1'] }, { words })).toThrow(
      'by "Opportunity", only 0 leads did not convert: calibration needs at least two leads that converted and two that did not; 8 cells are empty: if an empty cell means not converted, use --positive-if-present',
    );
    expect(() => readOutcomes(stages, { column: 'Outcome' })).toThrow(OutcomeError);
    expect(() => readOutcomes(stages, { column: 'Outcome' })).toThrow('there is no column "Outcome" to read the outcome from (columns: Stage, Opportunity, Won)');
    expect(() => readOutcomes(stages, { column: 'Stage', positive: ['Won'], ifPresent: true }, { words })).toThrow('give either --positive VALUE… or --positive-if-present, not both');
  });
});
