import { describe, expect, it } from 'vitest';
import { aucInWords, holdoutInWords, iterationsInWords, ivInWords, logLossInWords, logOddsInWords } from './glossary';

describe('the calibration figures in plain words', () => {
  it('says what an AUC means for a pair of leads', () => {
    expect(aucInWords(0.8312)).toBe('AUC 0.83: given one lead that converted and one that did not, the score ranks the converting one higher 83 % of the time (50 % is a coin toss, 100 % never wrong).');
  });

  it('reads an IV from nothing to too good to be true', () => {
    expect(ivInWords(0.01)).toContain('says next to nothing');
    expect(ivInWords(0.2)).toContain('is a useful signal');
    expect(ivInWords(1.4)).toContain('a very strong signal: the leakage check says whether it looks filled in after the sale');
  });

  it('turns a log-odds weight into how many times likelier', () => {
    expect(logOddsInWords(Math.log(3))).toContain('3.0× more likely');
    expect(logOddsInWords(-Math.log(2))).toContain('2.0× less likely');
  });

  it('says whether the fit settled, the log-loss and the hold-out', () => {
    expect(iterationsInWords(7, true)).toBe('7 Newton iterations: the rounds of fine-tuning the fit took to settle on its weights; it settled, so more rounds would change nothing.');
    expect(iterationsInWords(1, false)).toContain('1 Newton iteration:');
    expect(iterationsInWords(1, false)).toContain('had not settled');
    expect(logLossInWords(0.41234)).toContain('Log-loss 0.412');
    expect(holdoutInWords(2772)).toContain('Held out 2,772 leads');
  });
});
