/**
 * Leads: search, one lead, its score ledger, and CRM syncs of its attributes. The records are the
 * read side the worker writes (engine/lead-records.ts), as the API serves them.
 */
import { z } from 'zod';
import type { Handoff as StoredHandoff, LedgerEntry, LeadSnapshot, StageChange } from '../../engine/lead-records';
import { REJECT_REASONS, STAGES } from '../../engine/types';
import { GRADES } from '../../rules/graph.schema';
import { DEFAULT_MAX_FUTURE_SKEW_SECONDS, leadIdSchema, occurredAtSchema, type EventClock } from './events.contract';
import { count, factKey, factValue, instant, slug } from './fields';
import { operation } from './operation';

/** The orders a lead search takes: a field, descending with a leading "-". */
export const LEAD_SORTS = ['-total', 'total', '-lastActivityAt', 'lastActivityAt', 'leadId', '-leadId', 'name', '-name', 'company', '-company', 'stage', '-stage'] as const;
export type LeadSort = (typeof LEAD_SORTS)[number];

export const HANDOFF_STATUSES = ['pending', 'accepted', 'rejected', 'expired', 'withdrawn'] as const;

export const stageChangeSchema = z.object({
  stage: z.enum(STAGES),
  at: instant.describe('When the lead crossed: the event, or the deadline, that moved it'),
  reason: z.string().describe('Why, in words: the threshold crossed, the answer given'),
  recordedAt: instant.optional().describe('When LeadFlow recorded the change (a backfilled event records a crossing long after it)'),
}) satisfies z.ZodType<StageChange>;

export const handoffSchema = z.object({
  handoffId: z.string().describe('`<leadId>:<n>`, the n-th handoff of the lead'),
  leadId: z.string(),
  queue: z.string().describe('The sales queue it waits in ("unrouted" when no route matched)'),
  team: z.string(),
  owner: z.string().optional().describe('The rep it is assigned to; absent: anyone in the queue may take it'),
  routeId: z.string().optional().describe('The route node that chose the queue'),
  status: z.enum(HANDOFF_STATUSES).describe('pending → accepted | rejected by sales; expired when nobody answered after the last escalation; withdrawn when the score decayed below the threshold first'),
  createdAt: instant,
  slaDueAt: instant.describe('When sales should have answered'),
  slaHours: z.number(),
  escalateTo: z.string().optional().describe('The queue it escalates to when nobody answers in time'),
  maxEscalations: z.number().int(),
  escalations: z.number().int(),
  score: z.number().describe("The lead's total score when it was handed off"),
  qualifiedBy: z.string().describe('The threshold or grade node that qualified the lead'),
  grade: z.string().optional(),
  modelVersion: z.number().int().describe('The model version that qualified the lead'),
  qualifiedAtSequence: z.number().int().optional().describe("The lead's ledger size when it qualified: the entries before it are why"),
  decidedAt: instant.optional().describe('When sales answered'),
  reason: z.enum(REJECT_REASONS).optional().describe("A rejection's reason"),
  note: z.string().optional().describe("Sales' note with the answer"),
}) satisfies z.ZodType<StoredHandoff>;

/** A lead as the API serves it: the read side the worker writes. */
export const leadSchema = z.object({
  leadId: z.string(),
  stage: z.enum(STAGES).describe('Where the lead is in the lifecycle'),
  scores: z.record(z.string(), z.number()).describe("Points per score of the model (fit, engagement…)"),
  total: z.number().describe('All scores summed'),
  grade: z.string().nullable().describe('A1…D4 when the model has a grade matrix'),
  segment: z.string().nullable().describe("The first of the model's segments the lead is in"),
  modelVersion: z.number().int().nullable().describe('The model version that scored the lead last'),
  attributes: z.record(z.string(), factValue).describe('What the lead is: job title, company, country… as events and CRM syncs set them'),
  lastActivityAt: instant.nullable(),
  eventCount: count,
  ledgerSize: count.describe('Ledger entries written so far; the next entry\'s sequence number'),
  handoff: handoffSchema.nullable().describe("The lead's latest handoff to sales"),
  stageHistory: z.array(stageChangeSchema),
  revision: count.describe('Grows with every write of the read side'),
  inputCount: count.optional().describe("Inputs (events, sales answers, owners) in the lead's stored input log"),
}) satisfies z.ZodType<LeadSnapshot>;
export type Lead = z.infer<typeof leadSchema>;
export type Handoff = z.infer<typeof handoffSchema>;
export type HandoffStatus = Handoff['status'];

export const ledgerEntrySchema = z.object({
  entryId: z.string().describe('`<leadId>/<eventId>:<ruleId>`: an event and rule are recorded once, whatever retries happen'),
  sequence: count.describe('Order within the ledger'),
  leadId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  score: z.string().describe('The score the points went to'),
  points: z.number().describe('The points applied, after limits and caps'),
  reason: z.string().describe('Why, in words, including any limit or cap that changed the points'),
  modelVersion: z.number().int(),
  occurredAt: instant,
}) satisfies z.ZodType<LedgerEntry>;
export type LedgerEntryView = z.infer<typeof ledgerEntrySchema>;

export const leadParams = z.object({ leadId: leadIdSchema.describe("The lead's id, as the CRM or web tracker names it").meta({ examples: ['lead-42'] }) });

export const searchQuery = z
  .object({
    stage: z.enum(STAGES).optional().describe('Only leads in this stage'),
    grade: z.enum(GRADES).optional().describe('Only leads with this grade'),
    segment: slug.optional().describe('Only leads in this segment'),
    owner: slug.optional().describe("Only leads whose handoff is assigned to this rep"),
    minScore: z.coerce.number().finite().optional().describe('Only leads whose total is at least this'),
    maxScore: z.coerce.number().finite().optional().describe('Only leads whose total is at most this'),
    q: z
      .string()
      .trim()
      .min(1, 'type at least one letter to search for')
      .max(100, 'search for at most 100 characters')
      .optional()
      .describe("Words that each begin a word of the lead's first or last name, company or email, or are part of its id (any case)"),
    sort: z.enum(LEAD_SORTS).default('-total').describe('The order: a field, descending with a leading "-"; ties by lead id'),
    page: z.coerce.number().int().min(1).default(1).describe('The page, from 1'),
    pageSize: z.coerce.number().int().min(1).max(200).default(50).describe('Leads per page, at most 200'),
  })
  .refine((q) => q.minScore === undefined || q.maxScore === undefined || q.minScore <= q.maxScore, {
    message: 'minScore is above maxScore',
    path: ['minScore'],
    // Name this problem alongside problems of other fields, not only once they are fixed.
    when: (payload) => payload.issues.every((issue) => issue.path?.[0] !== 'minScore' && issue.path?.[0] !== 'maxScore'),
  });
export type LeadSearch = z.input<typeof searchQuery>;

/** A CRM sync's body; `occurredAt` is checked against the API's clock. */
export const syncBodyFor = (clock: EventClock) =>
  z.strictObject({
    syncId: z.string().min(1).max(120).regex(/^[\x21-\x7e]+$/, 'printable characters without spaces').describe('Identifies this sync: sending it again has no effect'),
    attributes: z.record(factKey, factValue).describe('The attributes to set; null clears one'),
    occurredAt: occurredAtSchema(clock).optional().describe('When the CRM changed them; now when absent'),
  });

export const ledgerQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(200).describe('Entries to return, at most 1,000'),
  from: z.coerce.number().int().min(0).default(0).describe("The first entry's sequence number: page through a long ledger with the last one seen + 1"),
});

const exampleLead: Lead = {
  leadId: 'lead-42',
  stage: 'mql',
  scores: { fit: 40, engagement: 35 },
  total: 75,
  grade: 'B2',
  segment: 'enterprise',
  modelVersion: 3,
  attributes: { firstName: 'Ada', lastName: 'Byron', company: 'Analytical Engines', title: 'VP Engineering', email: 'ada@example.com', country: 'GB' },
  lastActivityAt: '2026-03-02T10:15:00.000Z',
  eventCount: 12,
  ledgerSize: 9,
  revision: 14,
  handoff: {
    handoffId: 'lead-42:1',
    leadId: 'lead-42',
    queue: 'emea-enterprise',
    team: 'emea',
    status: 'pending',
    createdAt: '2026-03-02T10:15:00.000Z',
    slaDueAt: '2026-03-03T10:15:00.000Z',
    slaHours: 24,
    maxEscalations: 1,
    escalations: 0,
    score: 75,
    qualifiedBy: 'mql',
    modelVersion: 3,
  },
  stageHistory: [
    { stage: 'lead', at: '2026-02-20T09:00:00.000Z', reason: 'first event' },
    { stage: 'mql', at: '2026-03-02T10:15:00.000Z', reason: 'total 75 ≥ 60 (MQL threshold); routed to emea-enterprise' },
  ],
};

/** Example answers other resources reuse. */
export const leadExamples = { lead: exampleLead };

export const leadsOperations = {
  searchLeads: operation({
    operationId: 'searchLeads',
    method: 'get',
    path: '/leads',
    tag: 'Leads',
    summary: 'Search leads',
    description: 'Search leads by name, company or email (q), stage, grade, segment, owner and score; sorted (highest score first unless said), paginated. A sales key sees the leads of its own queues only.',
    roles: ['marketing', 'reviewer', 'sales'],
    query: searchQuery,
    response: z.object({
      page: z.number().int().describe('The page returned'),
      pageSize: z.number().int(),
      total: count.describe('Leads that match, on all pages'),
      leads: z.array(leadSchema),
    }),
    examples: { response: { page: 1, pageSize: 50, total: 1, leads: [exampleLead] } },
  }),
  syncLeadAttributes: operation({
    operationId: 'syncLeadAttributes',
    method: 'put',
    path: '/leads/:leadId/attributes',
    tag: 'Leads',
    summary: "Update a lead's attributes (a CRM sync)",
    description: "A CRM sync: the new attribute values reach the lead's workflow as an event, so fit rules that listen to attribute changes score them. Idempotent by syncId.",
    roles: ['ingest'],
    status: 202,
    params: leadParams,
    body: syncBodyFor({ maxFutureSkewSeconds: DEFAULT_MAX_FUTURE_SKEW_SECONDS }),
    response: z.object({
      leadId: z.string(),
      syncId: z.string(),
      status: z.enum(['accepted', 'duplicate']).describe('accepted: delivered; duplicate: this sync was seen before, no effect'),
    }),
    errors: { 400: 'A field is invalid (each named), e.g. occurredAt in the future; nothing was applied', 409: "The sync's event id already belongs to another lead (named); nothing was applied" },
    examples: { request: { syncId: 'crm-2026-03-02-1', attributes: { title: 'CTO', employees: 1200 } }, response: { leadId: 'lead-42', syncId: 'crm-2026-03-02-1', status: 'accepted' } },
  }),
  getLead: operation({
    operationId: 'getLead',
    method: 'get',
    path: '/leads/:leadId',
    tag: 'Leads',
    summary: 'A lead',
    description: "A lead: its scores, grade, stage, handoff and stage history. A lead outside a sales key's queues is, for that key, not there (404).",
    roles: ['marketing', 'reviewer', 'sales'],
    params: leadParams,
    response: leadSchema,
    errors: { 404: 'No such lead (or not one of the sales key\'s queues)' },
    examples: { response: exampleLead },
  }),
  getLeadLedger: operation({
    operationId: 'getLeadLedger',
    method: 'get',
    path: '/leads/:leadId/ledger',
    tag: 'Leads',
    summary: "A lead's score ledger",
    description: '"Why is this lead at 75?": every point with its rule, model version and reason, oldest first, a page at a time.',
    roles: ['marketing', 'reviewer', 'sales'],
    params: leadParams,
    query: ledgerQuery,
    response: z.object({ leadId: z.string(), entries: z.array(ledgerEntrySchema) }),
    errors: { 404: "No such lead (or not one of the sales key's queues)" },
    examples: {
      response: {
        leadId: 'lead-42',
        entries: [
          { entryId: 'lead-42/ev-7:pricing-visit', sequence: 0, leadId: 'lead-42', eventId: 'ev-7', eventType: 'page_view', ruleId: 'pricing-visit', ruleName: 'Pricing page', score: 'engagement', points: 20, reason: 'page view where URL starts with /pricing: +20 engagement', modelVersion: 3, occurredAt: '2026-03-01T08:00:00.000Z' },
        ],
      },
    },
  }),
};
