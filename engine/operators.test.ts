import { describe, expect, it } from 'vitest';
import { FREE_MAILBOX_TOKEN, hasKeyboardMash, isNotCapitalised, OPERATOR_FUNCTIONS as op } from './operators';

describe('custom operators', () => {
  it('compare text without regard to case', () => {
    expect(op.containsText!('VP of Marketing', 'marketing')).toBe(true);
    expect(op.startsWith!('/Pricing/teams', '/pricing')).toBe(true);
    expect(op.endsWith!('jane@ACME.com', '@acme.com')).toBe(true);
    expect(op.containsText!(42, '4')).toBe(false);
  });

  it('match patterns in linear time, even pathological ones', () => {
    expect(op.matchesPattern!('Head of Growth', '^(head|vp|chief)\\b')).toBe(true);
    expect(op.matchesPattern!('Intern', '^(head|vp|chief)\\b')).toBe(false);
    const started = performance.now();
    expect(op.matchesPattern!(`${'a'.repeat(30_000)}b`, '(a+)+$')).toBe(false);
    // A backtracking engine would not finish this in our lifetime; RE2 takes milliseconds.
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('recognise email domains, with the shipped free-mailbox list', () => {
    expect(op.emailDomainIn!('jo@Gmail.com', [FREE_MAILBOX_TOKEN])).toBe(true);
    expect(op.emailDomainIn!('jo@acme.com', [FREE_MAILBOX_TOKEN])).toBe(false);
    for (const domain of ['gmx.de', 'web.de', 'outlook.de', 'yahoo.co.uk', 't-online.de', 'orange.fr', 'libero.it']) expect(op.emailDomainIn!(`jo@${domain}`, [FREE_MAILBOX_TOKEN]), domain).toBe(true);
    expect(op.emailDomainIn!('jo@acme.com', ['@acme.com', 'other.org'])).toBe(true);
    expect(op.emailDomainIn!('not-an-email', [FREE_MAILBOX_TOKEN])).toBe(false);
  });

  it('compare text without regard to case or white space in equal, notEqual, in and notIn', () => {
    expect(op.equal!('Software', 'software')).toBe(true);
    expect(op.equal!(' software ', 'Software')).toBe(true);
    expect(op.notEqual!('Retail', 'retail')).toBe(false);
    expect(op.in!('US', ['us', 'ca'])).toBe(true);
    expect(op.notIn!('de', ['US', 'DE'])).toBe(false);
    expect(op.equal!(200, '200')).toBe(false);
    expect(op.in!(200, [200])).toBe(true);
  });

  it('spot typed junk by keyboard-row runs, repeats and missing vowels, not four-key runs inside real names', () => {
    for (const mashed of ['asdf', 'Qwerty Ltd', 'lkjh', 'x1234', 'zxcvb', 'asdfgh', 'qwerty123', 'jjjjj', 'xcvbnm', 'sdfsdf', 'fjdksl']) expect(hasKeyboardMash(mashed), mashed).toBe(true);
    for (const fine of ['Acme', 'asd', 'Johnson', 'Sarah', 'Wertheim Logistik GmbH', 'Wertz', 'Doherty', 'Liberty Mutual', 'Schmidt', 'Glass']) expect(hasKeyboardMash(fine), fine).toBe(false);
    expect(op.keyboardMash!('asdf', true)).toBe(true);
    expect(op.keyboardMash!('asdf', false)).toBe(false);
  });

  it('spot names and companies written all in lower case', () => {
    expect(isNotCapitalised('acme corp')).toBe(true);
    expect(isNotCapitalised('Acme corp')).toBe(false);
    expect(isNotCapitalised('van der Berg')).toBe(false);
    expect(isNotCapitalised('eBay')).toBe(false);
    expect(isNotCapitalised('3m')).toBe(true);
    expect(op.notCapitalised!('élodie', true)).toBe(true);
    expect(op.notCapitalised!('1234', true)).toBe(false);
  });

  it('tell known from unknown facts', () => {
    expect(op.isKnown!('+49 30 1234', true)).toBe(true);
    expect(op.isKnown!('', true)).toBe(false);
    expect(op.isKnown!(undefined, false)).toBe(true);
  });
});
