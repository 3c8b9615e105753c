/**
 * The facts a rule graph may test, with their types: what the validator checks conditions
 * against and what the editor offers. Event facts come from an event's `properties`, lead facts
 * from its attributes (see engine/score-event.ts `toFacts`).
 */
export type FactType = 'string' | 'number' | 'boolean';

export interface FactDefinition {
  id: string;
  label: string;
  type: FactType;
}

export const FACTS: readonly FactDefinition[] = [
  { id: 'event.url', label: 'Page URL (path)', type: 'string' },
  { id: 'event.form', label: 'Form name', type: 'string' },
  { id: 'event.campaign', label: 'Email or ad campaign', type: 'string' },
  { id: 'event.asset', label: 'Downloaded asset', type: 'string' },
  { id: 'event.assetType', label: 'Asset type (whitepaper, ebook, case_study…)', type: 'string' },
  { id: 'lead.title', label: 'Job title', type: 'string' },
  { id: 'lead.seniority', label: 'Seniority', type: 'string' },
  { id: 'lead.industry', label: 'Industry', type: 'string' },
  { id: 'lead.companySize', label: 'Company size (employees)', type: 'number' },
  { id: 'lead.country', label: 'Country', type: 'string' },
  { id: 'lead.email', label: 'Email address', type: 'string' },
  { id: 'lead.phone', label: 'Phone', type: 'string' },
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

/** Operators a condition may use, and the fact types each applies to. */
export const OPERATORS = {
  equal: ['string', 'number', 'boolean'],
  notEqual: ['string', 'number', 'boolean'],
  in: ['string', 'number'],
  notIn: ['string', 'number'],
  startsWith: ['string'],
  lessThan: ['number'],
  lessThanInclusive: ['number'],
  greaterThan: ['number'],
  greaterThanInclusive: ['number'],
} as const satisfies Record<string, readonly FactType[]>;
export type OperatorId = keyof typeof OPERATORS;
export const OPERATOR_IDS = Object.keys(OPERATORS) as [OperatorId, ...OperatorId[]];
