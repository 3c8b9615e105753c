/**
 * Two product lines, one score each: interest in Analytics and in Payments is scored apart and
 * each crossing hands the lead to that product's sales team (DOMAIN.md: one score per product
 * line, used to route to the right team). Fit is shared.
 */
import type { RuleGraphInput } from '../graph.schema';

const at = (column: number, row: number) => ({ x: column * 280, y: row * 100 });

export const twoProductsGraph: RuleGraphInput = {
  name: 'Two product lines',
  description: 'Analytics and Payments interest scored apart; each product has its own sales team.',
  scores: [
    { id: 'fit', label: 'Fit' },
    { id: 'analytics', label: 'Analytics interest' },
    { id: 'payments', label: 'Payments interest' },
  ],
  nodes: [
    { id: 'visit', kind: 'trigger', label: 'Page view', eventTypes: ['page_view'], position: at(0, 0) },
    { id: 'analytics-page', kind: 'condition', label: 'Analytics pages', match: 'all', conditions: [{ fact: 'event.url', operator: 'startsWith', value: '/products/analytics' }], position: at(1, 0) },
    { id: 'analytics-page-points', kind: 'points', label: 'Analytics page', score: 'analytics', points: 15, position: at(2, 0) },
    { id: 'payments-page', kind: 'condition', label: 'Payments pages', match: 'all', conditions: [{ fact: 'event.url', operator: 'startsWith', value: '/products/payments' }], position: at(1, 1) },
    { id: 'payments-page-points', kind: 'points', label: 'Payments page', score: 'payments', points: 15, position: at(2, 1) },
    { id: 'demo', kind: 'trigger', label: 'Demo request', eventTypes: ['form_submit'], position: at(0, 2) },
    { id: 'analytics-demo', kind: 'condition', label: 'Analytics demo', match: 'all', conditions: [{ fact: 'event.form', operator: 'equal', value: 'demo_request' }, { fact: 'event.product', operator: 'equal', value: 'analytics' }], position: at(1, 2) },
    { id: 'analytics-demo-points', kind: 'points', label: 'Analytics demo requested', score: 'analytics', points: 50, position: at(2, 2) },
    { id: 'payments-demo', kind: 'condition', label: 'Payments demo', match: 'all', conditions: [{ fact: 'event.form', operator: 'equal', value: 'demo_request' }, { fact: 'event.product', operator: 'equal', value: 'payments' }], position: at(1, 3) },
    { id: 'payments-demo-points', kind: 'points', label: 'Payments demo requested', score: 'payments', points: 50, position: at(2, 3) },
    { id: 'size-set', kind: 'trigger', label: 'Company size known', attributes: ['lead.companySize'], position: at(0, 4) },
    { id: 'mid-market', kind: 'condition', label: '200+ employees', match: 'all', conditions: [{ fact: 'lead.companySize', operator: 'greaterThanInclusive', value: 200 }], position: at(1, 4) },
    { id: 'mid-market-points', kind: 'points', label: 'Company size in our market', score: 'fit', points: 15, limits: { oncePerLead: true }, position: at(2, 4) },
    { id: 'analytics-mql', kind: 'threshold', label: 'Analytics-qualified', score: ['fit', 'analytics'], value: 60, stage: 'mql', position: at(3, 0) },
    { id: 'payments-mql', kind: 'threshold', label: 'Payments-qualified', score: ['fit', 'payments'], value: 60, stage: 'mql', position: at(3, 2) },
    { id: 'analytics-team', kind: 'route', label: 'Analytics sales', team: 'Analytics', queue: 'analytics-sales', owners: [{ id: 'ana-1', weight: 2 }, { id: 'ana-2', weight: 1 }], strategy: 'weighted', slaHours: 24, position: at(4, 0) },
    { id: 'payments-team', kind: 'route', label: 'Payments sales', team: 'Payments', queue: 'payments-sales', slaHours: 24, position: at(4, 2) },
  ],
  edges: [
    { id: 'e1', source: 'visit', target: 'analytics-page' },
    { id: 'e2', source: 'analytics-page', target: 'analytics-page-points' },
    { id: 'e3', source: 'visit', target: 'payments-page' },
    { id: 'e4', source: 'payments-page', target: 'payments-page-points' },
    { id: 'e5', source: 'demo', target: 'analytics-demo' },
    { id: 'e6', source: 'analytics-demo', target: 'analytics-demo-points' },
    { id: 'e7', source: 'demo', target: 'payments-demo' },
    { id: 'e8', source: 'payments-demo', target: 'payments-demo-points' },
    { id: 'e9', source: 'size-set', target: 'mid-market' },
    { id: 'e10', source: 'mid-market', target: 'mid-market-points' },
    { id: 'e11', source: 'analytics-mql', target: 'analytics-team' },
    { id: 'e12', source: 'payments-mql', target: 'payments-team' },
  ],
};
