import { describe, expect, it } from 'vitest';
import { OPERATOR_IDS } from './facts-catalogue';
import { describeCondition, describeConditions, OPERATOR_WORDS, operatorLabel } from './operator-words';

describe('operator words', () => {
  it('names every operator of the catalogue in words, never in its code name', () => {
    for (const id of OPERATOR_IDS) {
      expect(OPERATOR_WORDS[id].label).not.toMatch(/[a-z][A-Z]/);
      expect(OPERATOR_WORDS[id].label).not.toBe(id);
    }
    expect(operatorLabel('startsWith')).toBe('starts with');
    expect(operatorLabel('greaterThanInclusive')).toBe('at least');
    expect(operatorLabel('keyboardMash')).toBe('looks like keyboard mashing');
    expect(operatorLabel('isKnown')).toBe('is filled in');
    expect(operatorLabel('withinDays')).toBe('within the last … days');
    expect(operatorLabel('olderThanDays')).toBe('more than … days ago');
  });

  it('keeps the labels apart, so a list of operators never shows two alike', () => {
    const labels = OPERATOR_IDS.map((id) => OPERATOR_WORDS[id].label);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('says a condition as a sentence, with its value, negations and counted events', () => {
    expect(describeCondition({ fact: 'event.url', operator: 'startsWith', value: '/pricing' })).toBe('Page URL starts with /pricing');
    expect(describeCondition({ fact: 'lead.companySize', operator: 'greaterThanInclusive', value: 200 })).toBe('Company size is at least 200');
    expect(describeCondition({ fact: 'lead.phone', operator: 'isKnown', value: false })).toBe('Phone is not filled in');
    expect(describeCondition({ fact: 'lead.firstName', operator: 'keyboardMash', value: true })).toBe('First name looks like keyboard mashing');
    expect(describeCondition({ fact: 'lead.lastEmailOpenAt', operator: 'olderThanDays', value: 60 })).toBe('Last email opened at is more than 60 days ago');
    expect(describeCondition({ fact: 'lead.email', operator: 'emailDomainIn', value: ['gmail.com', 'yahoo.com'] })).toBe('Email address has an email domain among "gmail.com", "yahoo.com"');
    expect(
      describeCondition({ fact: 'derived.eventCount', operator: 'greaterThanInclusive', value: 3, params: { eventType: 'page_view', urlPrefix: '/pricing', days: 30 } }),
    ).toBe('Number of page view events on /pricing… in the last 30 days is at least 3');
  });

  it('says a list of conditions as one sentence, groups in brackets', () => {
    const url = (value: string) => ({ fact: 'event.url', operator: 'startsWith' as const, value });
    expect(describeConditions({ match: 'any', conditions: [url('/pricing'), url('/demo')] })).toBe('Page URL starts with /pricing or Page URL starts with /demo');
    expect(describeConditions({ match: 'all', conditions: [url('/pricing'), { match: 'none', conditions: [url('/careers'), url('/jobs')] }] })).toBe(
      'Page URL starts with /pricing and (none of: Page URL starts with /careers; Page URL starts with /jobs)',
    );
  });

  it('uses the label a model gives its own attribute', () => {
    const declared = new Map([['lead.plan', { id: 'lead.plan', label: 'Plan', type: 'string' as const, source: 'lead' as const }]]);
    expect(describeCondition({ fact: 'lead.plan', operator: 'in', value: ['pro'] }, declared)).toBe('Plan is one of "pro"');
  });
});
