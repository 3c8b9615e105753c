/**
 * What a rule may test: the facts (lead attributes, event properties, derived facts) with their
 * types, the event types a trigger listens to, and the operators with the fact types each
 * applies to. The validator checks graphs against it; the editor offers it.
 */
export type FactType = 'string' | 'number' | 'boolean' | 'date';

export interface FactDefinition {
  id: string;
  label: string;
  type: FactType;
  /** Lead attributes may drive routing and segments; event and derived facts only scoring. */
  source: 'lead' | 'event' | 'derived';
}

const lead = (id: string, label: string, type: FactType = 'string'): FactDefinition => ({ id: `lead.${id}`, label, type, source: 'lead' });
const event = (id: string, label: string, type: FactType = 'string'): FactDefinition => ({ id: `event.${id}`, label, type, source: 'event' });

export const FACTS: readonly FactDefinition[] = [
  lead('firstName', 'First name'),
  lead('lastName', 'Last name'),
  lead('email', 'Email address'),
  lead('phone', 'Phone'),
  lead('title', 'Job title'),
  // Seniority and department are read from the job title when not sent; industry and country by
  // their common names (engine/normalise-attributes.ts).
  lead('seniority', 'Seniority (e.g. c_level, vp, director, manager, staff, student)'),
  lead('department', 'Department (e.g. executive, sales, marketing, engineering, finance, hr)'),
  lead('company', 'Company name'),
  lead('industry', 'Industry'),
  lead('companySize', 'Company size (employees)', 'number'),
  lead('country', 'Country (ISO code)'),
  lead('region', 'Sales region'),
  lead('businessType', 'B2B or B2C'),
  lead('productInterest', 'Product line of interest'),
  lead('leadSource', 'Lead source'),
  lead('isCustomer', 'Is already a customer', 'boolean'),
  lead('lastEmailOpenAt', 'Last email opened at', 'date'),
  event('url', 'Page URL (path)'),
  event('referrer', 'Referrer'),
  event('form', 'Form name'),
  event('campaign', 'Email or ad campaign'),
  event('asset', 'Downloaded asset'),
  event('assetType', 'Asset type (whitepaper, ebook, case_study, guide…)'),
  event('webinar', 'Webinar'),
  event('network', 'Social network'),
  event('action', 'Social action (follow, share, comment…)'),
  event('outcome', 'CRM outcome (opportunity_created, won, lost)'),
  event('product', 'Product the event is about'),
  event('name', 'Custom event name'),
  event('occurredAt', 'When the event happened', 'date'),
  {
    id: 'derived.eventCount',
    label: 'Number of events of a type (optionally a URL prefix) in the last N days, this one included',
    type: 'number',
    source: 'derived',
  },
  { id: 'derived.daysSinceLastActivity', label: 'Days since the lead was last active (before this event)', type: 'number', source: 'derived' },
  { id: 'derived.segment', label: "The lead's segment (for routing)", type: 'string', source: 'derived' },
];

export const FACTS_BY_ID: ReadonlyMap<string, FactDefinition> = new Map(FACTS.map((fact) => [fact.id, fact]));

/** Event types a trigger may listen to. */
export const EVENT_TYPES = [
  'page_view',
  'form_submit',
  'email_open',
  'email_click',
  'email_bounce',
  'content_download',
  'webinar_registered',
  'webinar_attended',
  'social_interaction',
  'unsubscribe',
  'crm_outcome',
  'custom',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * The event properties each event type usually carries (`event.<property>` facts), besides when it
 * happened: what the editor offers first for a condition after a trigger on that type. Advice, not
 * a rule: an event may carry any property the sender puts in.
 */
export const EVENT_PROPERTIES: { readonly [T in EventType]: readonly string[] } = {
  page_view: ['event.url', 'event.referrer', 'event.campaign', 'event.product'],
  form_submit: ['event.form', 'event.url', 'event.campaign', 'event.product'],
  email_open: ['event.campaign', 'event.product'],
  email_click: ['event.campaign', 'event.url', 'event.product'],
  email_bounce: ['event.campaign'],
  content_download: ['event.asset', 'event.assetType', 'event.url', 'event.product'],
  webinar_registered: ['event.webinar', 'event.product'],
  webinar_attended: ['event.webinar', 'event.product'],
  social_interaction: ['event.network', 'event.action', 'event.url'],
  unsubscribe: ['event.campaign'],
  crm_outcome: ['event.outcome', 'event.product'],
  custom: ['event.name'],
};

/** Attributes whose change can trigger rules (fit scoring when a CRM sync fills them in). */
export const TRIGGER_ATTRIBUTES = FACTS.filter((fact) => fact.source === 'lead').map((fact) => fact.id);

/**
 * Operators a condition may use: the fact types each applies to, and the value it takes.
 * Beyond json-rules-engine's own: text operators, a linear-time pattern match, email domains,
 * spam signals, and the age of a date: "within N days", "more than N days ago".
 */
export const OPERATORS = {
  equal: { facts: ['string', 'number', 'boolean'], value: 'same' },
  notEqual: { facts: ['string', 'number', 'boolean'], value: 'same' },
  in: { facts: ['string', 'number'], value: 'list' },
  notIn: { facts: ['string', 'number'], value: 'list' },
  lessThan: { facts: ['number'], value: 'same' },
  lessThanInclusive: { facts: ['number'], value: 'same' },
  greaterThan: { facts: ['number'], value: 'same' },
  greaterThanInclusive: { facts: ['number'], value: 'same' },
  containsText: { facts: ['string'], value: 'string' },
  startsWith: { facts: ['string'], value: 'string' },
  endsWith: { facts: ['string'], value: 'string' },
  matchesPattern: { facts: ['string'], value: 'pattern' },
  emailDomainIn: { facts: ['string'], value: 'list' },
  keyboardMash: { facts: ['string'], value: 'boolean' },
  notCapitalised: { facts: ['string'], value: 'boolean' },
  withinDays: { facts: ['date'], value: 'number' },
  olderThanDays: { facts: ['date'], value: 'number' },
  isKnown: { facts: ['string', 'number', 'boolean', 'date'], value: 'boolean' },
} as const satisfies Record<string, { facts: readonly FactType[]; value: 'same' | 'list' | 'string' | 'pattern' | 'boolean' | 'number' }>;
export type OperatorId = keyof typeof OPERATORS;
export const OPERATOR_IDS = Object.keys(OPERATORS) as [OperatorId, ...OperatorId[]];

/** Channels a decay rule may watch, and the event types that count as activity on each. */
export const CHANNELS = {
  any: EVENT_TYPES.filter((type) => type !== 'email_bounce' && type !== 'unsubscribe'),
  email: ['email_open', 'email_click'],
  web: ['page_view', 'form_submit', 'content_download'],
  social: ['social_interaction'],
  webinar: ['webinar_registered', 'webinar_attended'],
} as const satisfies Record<string, readonly EventType[]>;
export type Channel = keyof typeof CHANNELS;
export const CHANNEL_IDS = Object.keys(CHANNELS) as [Channel, ...Channel[]];
