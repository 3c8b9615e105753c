/**
 * The scoring model LeadFlow starts with: DOMAIN.md's typical engagement points, its negative
 * signals, and an MQL threshold of 60 on the total score that hands leads to the inbound team.
 * Marketers replace it with their own; it is loaded as version 1 on first start.
 */
import type { RuleGraph } from '../graph.schema';

const column = (index: number) => index * 260;
const row = (index: number) => index * 110;

export const defaultModelGraph: RuleGraph = {
  name: 'B2B starter model',
  description: 'Typical engagement points from the practitioner guides; MQL at 60 points.',
  scores: [
    { id: 'fit', label: 'Fit' },
    { id: 'engagement', label: 'Engagement' },
  ],
  nodes: [
    { id: 'visit', kind: 'trigger', label: 'Page view', eventTypes: ['page_view'], position: { x: column(0), y: row(0) } },
    { id: 'visit-points', kind: 'points', label: 'Website visit', score: 'engagement', points: 5, position: { x: column(2), y: row(0) } },
    {
      id: 'key-page',
      kind: 'condition',
      label: 'Pricing or demo page',
      match: 'any',
      conditions: [
        { fact: 'event.url', operator: 'startsWith', value: '/pricing' },
        { fact: 'event.url', operator: 'startsWith', value: '/demo' },
      ],
      position: { x: column(1), y: row(1) },
    },
    { id: 'key-page-points', kind: 'points', label: 'Key page visit', score: 'engagement', points: 20, position: { x: column(2), y: row(1) } },
    {
      id: 'careers-page',
      kind: 'condition',
      label: 'Careers or investor page',
      match: 'any',
      conditions: [
        { fact: 'event.url', operator: 'startsWith', value: '/careers' },
        { fact: 'event.url', operator: 'startsWith', value: '/investors' },
      ],
      position: { x: column(1), y: row(2) },
    },
    { id: 'careers-points', kind: 'points', label: 'Job seeker or investor', score: 'engagement', points: -10, position: { x: column(2), y: row(2) } },

    { id: 'form', kind: 'trigger', label: 'Form submitted', eventTypes: ['form_submit'], position: { x: column(0), y: row(3) } },
    {
      id: 'demo-form',
      kind: 'condition',
      label: 'Demo request',
      match: 'all',
      conditions: [{ fact: 'event.form', operator: 'equal', value: 'demo_request' }],
      position: { x: column(1), y: row(3) },
    },
    { id: 'demo-points', kind: 'points', label: 'Demo requested', score: 'engagement', points: 50, position: { x: column(2), y: row(3) } },

    { id: 'email-open', kind: 'trigger', label: 'Email opened', eventTypes: ['email_open'], position: { x: column(0), y: row(4) } },
    { id: 'email-open-points', kind: 'points', label: 'Email open', score: 'engagement', points: 5, position: { x: column(2), y: row(4) } },
    { id: 'email-click', kind: 'trigger', label: 'Email clicked', eventTypes: ['email_click'], position: { x: column(0), y: row(5) } },
    { id: 'email-click-points', kind: 'points', label: 'Email click', score: 'engagement', points: 15, position: { x: column(2), y: row(5) } },
    { id: 'download', kind: 'trigger', label: 'Content downloaded', eventTypes: ['content_download'], position: { x: column(0), y: row(6) } },
    { id: 'download-points', kind: 'points', label: 'Whitepaper, ebook or case study', score: 'engagement', points: 25, position: { x: column(2), y: row(6) } },
    { id: 'webinar', kind: 'trigger', label: 'Webinar attended', eventTypes: ['webinar_attended'], position: { x: column(0), y: row(7) } },
    { id: 'webinar-points', kind: 'points', label: 'Webinar attended', score: 'engagement', points: 25, position: { x: column(2), y: row(7) } },
    { id: 'webinar-reg', kind: 'trigger', label: 'Webinar registered', eventTypes: ['webinar_registered'], position: { x: column(0), y: row(8) } },
    { id: 'webinar-reg-points', kind: 'points', label: 'Webinar registration', score: 'engagement', points: 10, position: { x: column(2), y: row(8) } },
    { id: 'social', kind: 'trigger', label: 'Social interaction', eventTypes: ['social_interaction'], position: { x: column(0), y: row(9) } },
    { id: 'social-points', kind: 'points', label: 'Social share or comment', score: 'engagement', points: 10, position: { x: column(2), y: row(9) } },
    { id: 'unsubscribe', kind: 'trigger', label: 'Unsubscribed', eventTypes: ['unsubscribe'], position: { x: column(0), y: row(10) } },
    { id: 'unsubscribe-points', kind: 'points', label: 'Unsubscribed from email', score: 'engagement', points: -20, position: { x: column(2), y: row(10) } },

    { id: 'mql', kind: 'threshold', label: 'Marketing-qualified at 60', score: 'total', value: 60, stage: 'mql', position: { x: column(3), y: row(3) } },
    { id: 'inbound', kind: 'route', label: 'Inbound sales', queue: 'inbound-sales', position: { x: column(4), y: row(3) } },
  ],
  edges: [
    { id: 'e-visit', source: 'visit', target: 'visit-points' },
    { id: 'e-visit-key', source: 'visit', target: 'key-page' },
    { id: 'e-key', source: 'key-page', target: 'key-page-points' },
    { id: 'e-visit-careers', source: 'visit', target: 'careers-page' },
    { id: 'e-careers', source: 'careers-page', target: 'careers-points' },
    { id: 'e-form', source: 'form', target: 'demo-form' },
    { id: 'e-demo', source: 'demo-form', target: 'demo-points' },
    { id: 'e-open', source: 'email-open', target: 'email-open-points' },
    { id: 'e-click', source: 'email-click', target: 'email-click-points' },
    { id: 'e-download', source: 'download', target: 'download-points' },
    { id: 'e-webinar', source: 'webinar', target: 'webinar-points' },
    { id: 'e-webinar-reg', source: 'webinar-reg', target: 'webinar-reg-points' },
    { id: 'e-social', source: 'social', target: 'social-points' },
    { id: 'e-unsubscribe', source: 'unsubscribe', target: 'unsubscribe-points' },
    { id: 'e-mql', source: 'mql', target: 'inbound' },
  ],
};
