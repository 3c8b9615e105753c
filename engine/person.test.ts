import { describe, expect, it } from 'vitest';
import { personLabel, personOf } from './person';

describe('the person of a lead', () => {
  it('reads name, company, title and email from the attributes, leaving out blanks and non-text', () => {
    expect(personOf({ firstName: ' Ann ', lastName: 'Lee', company: 'Acme', title: 'VP Sales', email: 'ann@acme.example', industry: 'software' })).toEqual({ name: 'Ann Lee', company: 'Acme', title: 'VP Sales', email: 'ann@acme.example' });
    expect(personOf({ firstName: '', lastName: 'Lee', company: 42, email: null })).toEqual({ name: 'Lee' });
    expect(personOf(undefined)).toEqual({});
  });

  it('is called by name, else by email, else by the lead id', () => {
    expect(personLabel({ name: 'Ann Lee', email: 'a@x.example' }, 'l1')).toBe('Ann Lee');
    expect(personLabel({ email: 'a@x.example' }, 'l1')).toBe('a@x.example');
    expect(personLabel({}, 'l1')).toBe('l1');
  });
});
