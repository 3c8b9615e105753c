/**
 * A CRM sync with values as real exports write them (free-text titles, mixed case, stray white
 * space) earns the same fit as one with the catalogue's values, through the lifecycle core: the
 * one path live scoring, rescoring and simulation share.
 */
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../rules/compile-graph';
import type { RuleGraphInput } from '../../rules/graph.schema';
import { b2bDefaultGraph, TEMPLATES } from '../../rules/templates';
import { createScorer } from '../score-event';
import type { FactValue } from '../types';
import { emptyLifecycle, lifecycleModel, turn, type LifecycleModel } from './lifecycle';

const MINUTE = 60_000;
// Relative to when the file loaded: the result holds on any day.
const T0 = Math.floor(Date.now() / MINUTE) * MINUTE - 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

const modelOf = (graph: RuleGraphInput): LifecycleModel => {
  const compiled = compileGraph(graph);
  return lifecycleModel(1, compiled, createScorer(compiled));
};

/** The lead after one CRM sync of `attributes`: its scores and the rules that gave points. */
async function synced(model: LifecycleModel, attributes: Record<string, FactValue>) {
  const event = { eventId: 'sync-1', leadId: 'p', type: 'custom', properties: { name: 'crm_sync' }, attributes, occurredAt: iso(T0) };
  const { view, ledger } = await turn(emptyLifecycle('p'), [{ kind: 'event', event }], iso(T0 + MINUTE), model);
  return { scores: view.snapshot.scores, rules: ledger.map((entry) => entry.ruleId).sort(), attributes: view.snapshot.attributes };
}

describe('values as CRM exports write them', () => {
  const b2b = modelOf(b2bDefaultGraph);

  it('a free-text title and a capitalised industry earn the fit of the catalogue values, on every template', async () => {
    for (const [name, graph] of Object.entries(TEMPLATES)) {
      const model = modelOf(graph);
      const messy = await synced(model, { title: 'VP Marketing', industry: 'Software', companySize: 200 });
      const tidy = await synced(model, { seniority: 'vp', industry: 'software', companySize: 200 });
      expect(messy.scores, name).toEqual(tidy.scores);
      expect(messy.rules, name).toEqual(tidy.rules);
    }
    const messy = await synced(b2b, { title: 'VP Marketing', industry: 'Software', companySize: 200 });
    expect(messy.rules).toEqual(expect.arrayContaining(['decision-maker-points', 'target-industry-points', 'mid-market-points']));
    // The lead's page shows what the CRM sent.
    expect(messy.attributes).toEqual({ title: 'VP Marketing', industry: 'Software', companySize: 200 });
  });

  it('reads seniority from titles in English, German, French and Spanish', async () => {
    const tidy = await synced(b2b, { seniority: 'director', industry: 'software' });
    for (const title of ['Head of Growth', 'Leiter Vertrieb', 'Directeur commercial', 'Director de ventas', 'Vice President of Sales', 'Geschäftsführer', 'CEO', 'Founder']) {
      expect((await synced(b2b, { title, industry: ' SOFTWARE ' })).scores, title).toEqual(tidy.scores);
    }
    const student = await synced(b2b, { seniority: 'student' });
    for (const title of ['Student', 'Intern', 'Werkstudent', 'Étudiant', 'Estudiante']) {
      expect((await synced(b2b, { title })).scores, title).toEqual(student.scores);
    }
    expect(student.rules).toContain('student-points');
  });

  it('reads a country name as its code, so the territory rule sees it', async () => {
    const tidy = await synced(b2b, { country: 'DE' });
    for (const country of ['Germany', 'Deutschland', 'de']) expect((await synced(b2b, { country })).scores, country).toEqual(tidy.scores);
    expect((await synced(b2b, { country: 'Brasil' })).rules).toContain('outside-territory-points');
  });

  it("reads a rule's values as it reads the lead's: a rule written with names meets a lead sent with codes, and back", async () => {
    const graph: RuleGraphInput = {
      name: 'written with names',
      scores: [{ id: 'fit', label: 'Fit' }],
      nodes: [
        { id: 't', kind: 'trigger', attributes: ['lead.country', 'lead.industry', 'lead.seniority'] },
        { id: 'us', kind: 'condition', match: 'all', conditions: [{ fact: 'lead.country', operator: 'equal', value: 'United States' }] },
        { id: 'us-points', kind: 'points', score: 'fit', points: 10, limits: { oncePerLead: true } },
        { id: 'saas', kind: 'condition', match: 'all', conditions: [{ fact: 'lead.industry', operator: 'in', value: ['SaaS', 'Banking'] }] },
        { id: 'saas-points', kind: 'points', score: 'fit', points: 5, limits: { oncePerLead: true } },
        { id: 'exec', kind: 'condition', match: 'all', conditions: [{ fact: 'lead.seniority', operator: 'notIn', value: ['C-Level', 'Vice President'] }] },
        { id: 'exec-points', kind: 'points', score: 'fit', points: 1, limits: { oncePerLead: true } },
      ],
      edges: [
        { id: 'e1', source: 't', target: 'us' },
        { id: 'e2', source: 'us', target: 'us-points' },
        { id: 'e3', source: 't', target: 'saas' },
        { id: 'e4', source: 'saas', target: 'saas-points' },
        { id: 'e5', source: 't', target: 'exec' },
        { id: 'e6', source: 'exec', target: 'exec-points' },
      ],
    };
    const model = modelOf(graph);
    for (const attributes of [{ country: 'US', industry: 'software', seniority: 'vp' }, { country: 'USA', industry: 'Software & IT', title: 'CEO' }, { country: 'United States', industry: 'financial services', seniority: 'C - Level' }] as Array<Record<string, FactValue>>) {
      expect((await synced(model, attributes)).scores, JSON.stringify(attributes)).toEqual({ fit: 15 });
    }
    expect((await synced(model, { country: 'DE', industry: 'Retail', title: 'Engineer' })).scores).toEqual({ fit: 1 });
  });

  it('keeps a seniority the CRM sent over the one a title suggests', async () => {
    const sent = await synced(b2b, { title: 'CEO', seniority: 'staff' });
    expect(sent.rules).not.toContain('decision-maker-points');
  });

  it("applies the model's value maps before anything else", async () => {
    const graph: RuleGraphInput = { ...b2bDefaultGraph, valueMaps: [{ attribute: 'lead.seniority', values: [{ from: ['C - Level', 'CXO', 'Geschäftsleitung'], to: 'c_level' }] }, { attribute: 'lead.industry', values: [{ from: ['Banking & Payments'], to: 'fintech' }] }] };
    const model = modelOf(graph);
    const tidy = await synced(model, { seniority: 'c_level', industry: 'fintech' });
    for (const seniority of ['C - Level', 'cxo', ' Geschäftsleitung ']) {
      expect((await synced(model, { seniority, industry: 'banking & payments' })).scores, seniority).toEqual(tidy.scores);
    }
    expect(tidy.rules).toEqual(expect.arrayContaining(['decision-maker-points', 'target-industry-points']));
  });
});
