import { describe, expect, it } from 'vitest';
import { departmentOf, seniorityOf } from './job-title';
import { advance, emptyMemory } from './lead-context';
import { foldText, industryOf, normaliseAttributes } from './normalise-attributes';
import type { CompiledValueMap, LeadEvent } from './types';

const TITLES: Array<[string, string, string | undefined]> = [
  ['VP Marketing', 'vp', 'marketing'],
  ['Vice President of Sales', 'vp', 'sales'],
  ['SVP, Engineering', 'vp', 'engineering'],
  ['Vizepräsident Vertrieb', 'vp', 'sales'],
  ['Head of Growth', 'director', 'marketing'],
  ['Director of Finance', 'director', 'finance'],
  ['Leiter Vertrieb', 'director', 'sales'],
  ['Vertriebsleiterin', 'director', 'sales'],
  ['Leiterin Personalabteilung', 'director', 'hr'],
  ['Directeur commercial', 'director', 'sales'],
  ['Directrice marketing', 'director', 'marketing'],
  ['Director de ventas', 'director', 'sales'],
  ['Directora de Recursos Humanos', 'director', 'hr'],
  ['CEO', 'c_level', 'executive'],
  ['Co-Founder & CTO', 'c_level', 'executive'],
  ['Chief Marketing Officer', 'c_level', 'marketing'],
  ['Founder', 'c_level', 'executive'],
  ['Geschäftsführer', 'c_level', 'executive'],
  ['Inhaberin', 'c_level', 'executive'],
  ['Directeur Général', 'c_level', 'executive'],
  ['PDG', 'c_level', 'executive'],
  ['Director General', 'c_level', 'executive'],
  ['Gerente General', 'c_level', 'executive'],
  ['Managing Director', 'c_level', 'executive'],
  ['Marketing Manager', 'manager', 'marketing'],
  ['Teamleiter IT', 'manager', 'engineering'],
  ['Responsable des achats', 'manager', 'procurement'],
  ['Chef de produit', 'manager', 'product'],
  ['Gerente de Marketing', 'manager', 'marketing'],
  ['Jefe de compras', 'manager', 'procurement'],
  ['Software Engineer', 'staff', 'engineering'],
  ['Account Executive', 'staff', 'sales'],
  ['Assistant to the CEO', 'staff', 'executive'],
  ['Product Owner', 'staff', 'product'],
  ['Buchhalterin', 'staff', 'finance'],
  ['Student', 'student', undefined],
  ['Marketing Intern', 'student', 'marketing'],
  ['Werkstudent Vertrieb', 'student', 'sales'],
  ['Praktikantin', 'student', undefined],
  ['Étudiant', 'student', undefined],
  ['Stagiaire', 'student', undefined],
  ['Estudiante', 'student', undefined],
  ['Becario de marketing', 'student', 'marketing'],
];

describe('job titles', () => {
  it.each(TITLES)('%s → %s, %s', (title, seniority, department) => {
    expect(seniorityOf(title)).toBe(seniority);
    expect(departmentOf(title)).toBe(department);
  });

  it('reads nothing from an empty title', () => {
    expect(seniorityOf('  ')).toBeUndefined();
    expect(departmentOf('')).toBeUndefined();
  });
});

describe('normaliseAttributes', () => {
  it('folds white space, derives seniority and department, and names the industry', () => {
    expect(normaliseAttributes({ title: '  VP   Marketing ', industry: 'Software & IT', companySize: 200, firstName: 'Jane' })).toEqual({
      title: 'VP Marketing', industry: 'software', companySize: 200, firstName: 'Jane', seniority: 'vp', department: 'marketing',
    });
  });

  it('keeps a seniority or department that was sent, in the catalogue words', () => {
    expect(normaliseAttributes({ title: 'CEO', seniority: 'Manager', department: 'Ops' })).toMatchObject({ seniority: 'manager', department: 'Ops' });
    expect(normaliseAttributes({ seniority: 'C-Level' }).seniority).toBe('c_level');
    expect(normaliseAttributes({ seniority: 'Vice President' }).seniority).toBe('vp');
    expect(normaliseAttributes({ seniority: 'Entry level' }).seniority).toBe('entry level');
  });

  it("applies a model's value maps, whatever the case and spacing", () => {
    const maps: CompiledValueMap[] = [{ attribute: 'seniority', values: { 'c - level': 'c_level', cxo: 'c_level' } }, { attribute: 'region', values: { dach: 'emea' } }];
    expect(normaliseAttributes({ seniority: 'C  -  LEVEL', region: 'Dach' }, maps)).toEqual({ seniority: 'c_level', region: 'emea' });
    expect(normaliseAttributes({ region: 'constructor' }, maps).region).toBe('constructor');
  });

  it('reads country names in English, German, French and Spanish as ISO codes', () => {
    for (const [text, code] of [['Germany', 'DE'], ['Deutschland', 'DE'], ['Allemagne', 'DE'], ['Alemania', 'DE'], ['DEU', 'DE'], ['de', 'DE'], ['U.S.A.', 'US'], ['United States', 'US'], ['États-Unis', 'US'], ['UK', 'GB'], ['Great Britain', 'GB'], ['Royaume-Uni', 'GB'], ['The Netherlands', 'NL'], ['Österreich', 'AT'], ['Schweiz', 'CH'], ['España', 'ES'], ['Türkiye', 'TR'], ['Turkey', 'TR']] as const) {
      expect(normaliseAttributes({ country: text }).country, text).toBe(code);
    }
    expect(normaliseAttributes({ country: 'Atlantis' }).country).toBe('Atlantis');
  });

  it('names common industries and folds the others', () => {
    for (const text of ['Software', 'SaaS', 'software & it', 'Computer Software', 'IT-Dienstleistungen und Software']) expect(industryOf(text), text).toBe('software');
    expect(industryOf('Banking')).toBe('financial_services');
    expect(industryOf('Maschinenbau')).toBe('manufacturing');
    expect(industryOf(' Real  Estate ')).toBe('real estate');
    expect(foldText(' Retail\n')).toBe(industryOf('retail'));
  });

  it('counts a re-sent value that differs only in case or spacing as unchanged, and a derived fact as changed', () => {
    const sync = (attributes: LeadEvent['attributes'], minute: number): LeadEvent => ({ eventId: `s${minute}`, leadId: 'p', type: 'custom', properties: {}, attributes, occurredAt: new Date(minute * 60_000).toISOString() });
    const first = advance(emptyMemory(), sync({ title: 'Marketing Manager', industry: 'retail' }, 1));
    expect(first.context.changedAttributes.sort()).toEqual(['lead.department', 'lead.industry', 'lead.seniority', 'lead.title']);
    const again = advance(first.next, sync({ title: 'marketing  manager', industry: 'Retail' }, 2));
    expect(again.context.changedAttributes).toEqual([]);
    const promoted = advance(again.next, sync({ title: 'Head of Marketing' }, 3));
    expect(promoted.context.changedAttributes.sort()).toEqual(['lead.seniority', 'lead.title']);
    // What the lead's page shows: the values as sent.
    expect(promoted.next.attributes).toEqual({ title: 'Head of Marketing', industry: 'Retail' });
  });
});
