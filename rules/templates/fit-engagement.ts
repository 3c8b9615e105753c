/**
 * Fit × engagement: fit graded A–D, engagement 1–4 (DOMAIN.md's grade matrix). A1, A2 and B1
 * leads get priority follow-up from sales; the rest stay in nurture. No single threshold.
 */
import type { RuleGraphInput } from '../graph.schema';

const at = (column: number, row: number) => ({ x: column * 280, y: row * 100 });
const once = { oncePerLead: true };

export const fitEngagementGraph: RuleGraphInput = {
  name: 'Fit × engagement grades',
  description: 'A1–D4 grade matrix; A1, A2 and B1 go to priority follow-up.',
  scores: [
    { id: 'fit', label: 'Fit', min: 0, max: 100 },
    { id: 'engagement', label: 'Engagement', min: 0, max: 100 },
  ],
  nodes: [
    { id: 'seniority-set', kind: 'trigger', label: 'Seniority known', attributes: ['lead.seniority'], position: at(0, 0) },
    { id: 'decision-maker', kind: 'condition', label: 'Decision maker', match: 'all', conditions: [{ fact: 'lead.seniority', operator: 'in', value: ['c_level', 'vp', 'director'] }], position: at(1, 0) },
    { id: 'decision-maker-points', kind: 'points', label: 'Decision maker', score: 'fit', points: 40, limits: once, position: at(2, 0) },
    { id: 'size-set', kind: 'trigger', label: 'Company size known', attributes: ['lead.companySize'], position: at(0, 1) },
    { id: 'target-size', kind: 'condition', label: '200–5,000 employees', match: 'all', conditions: [{ fact: 'lead.companySize', operator: 'greaterThanInclusive', value: 200 }, { fact: 'lead.companySize', operator: 'lessThanInclusive', value: 5000 }], position: at(1, 1) },
    { id: 'target-size-points', kind: 'points', label: 'Ideal company size', score: 'fit', points: 30, limits: once, position: at(2, 1) },
    { id: 'industry-set', kind: 'trigger', label: 'Industry known', attributes: ['lead.industry'], position: at(0, 2) },
    { id: 'target-industry', kind: 'condition', label: 'Target industry', match: 'all', conditions: [{ fact: 'lead.industry', operator: 'in', value: ['software', 'fintech'] }], position: at(1, 2) },
    { id: 'target-industry-points', kind: 'points', label: 'Target industry', score: 'fit', points: 30, limits: once, position: at(2, 2) },
    { id: 'visit', kind: 'trigger', label: 'Page view', eventTypes: ['page_view'], position: at(0, 4) },
    { id: 'visit-points', kind: 'points', label: 'Website visit', score: 'engagement', points: 5, position: at(2, 4) },
    { id: 'key-page', kind: 'condition', label: 'Pricing page', match: 'all', conditions: [{ fact: 'event.url', operator: 'startsWith', value: '/pricing' }], position: at(1, 5) },
    { id: 'key-page-points', kind: 'points', label: 'Pricing page', score: 'engagement', points: 20, position: at(2, 5) },
    { id: 'demo', kind: 'trigger', label: 'Demo request', eventTypes: ['form_submit'], position: at(0, 6) },
    { id: 'demo-form', kind: 'condition', label: 'Demo form', match: 'all', conditions: [{ fact: 'event.form', operator: 'equal', value: 'demo_request' }], position: at(1, 6) },
    { id: 'demo-points', kind: 'points', label: 'Demo requested', score: 'engagement', points: 50, position: at(2, 6) },
    { id: 'quiet', kind: 'decay', label: 'Half-life of 30 days', score: 'engagement', channel: 'any', rule: { mode: 'half_life', halfLifeDays: 30 }, position: at(2, 8) },
    {
      id: 'grade',
      kind: 'grade',
      label: 'Fit × engagement',
      fitScore: 'fit',
      engagementScore: 'engagement',
      fitBands: [70, 40, 20],
      engagementBands: [60, 40, 20],
      salesReady: ['A1', 'A2', 'B1'],
      position: at(3, 3),
    },
    { id: 'priority', kind: 'route', label: 'Priority follow-up', team: 'Sales development', queue: 'priority-follow-up', slaHours: 4, position: at(4, 3) },
  ],
  edges: [
    { id: 'e1', source: 'seniority-set', target: 'decision-maker' },
    { id: 'e2', source: 'decision-maker', target: 'decision-maker-points' },
    { id: 'e3', source: 'size-set', target: 'target-size' },
    { id: 'e4', source: 'target-size', target: 'target-size-points' },
    { id: 'e5', source: 'industry-set', target: 'target-industry' },
    { id: 'e6', source: 'target-industry', target: 'target-industry-points' },
    { id: 'e7', source: 'visit', target: 'visit-points' },
    { id: 'e8', source: 'visit', target: 'key-page' },
    { id: 'e9', source: 'key-page', target: 'key-page-points' },
    { id: 'e10', source: 'demo', target: 'demo-form' },
    { id: 'e11', source: 'demo-form', target: 'demo-points' },
    { id: 'e12', source: 'grade', target: 'priority' },
  ],
};
