/**
 * One operation of the HTTP API as its contract states it: where it lives, who may call it, what
 * it takes and what it answers. The API serves it (`handle()` parses with these schemas and, under
 * tests, checks its answers against them), the OpenAPI document is generated from it, and the
 * builder UI reads its types from it. Browser-safe: zod and plain data only.
 */
import type { ZodType } from 'zod';
import type { Role } from './roles';

/** The roles besides admin (who may call everything) that may call an operation, or `public`: no key needed. */
export type Grant = readonly Exclude<Role, 'admin'>[] | 'public';

/** The resource an operation belongs to: one OpenAPI tag each. */
export const TAGS = {
  Service: 'Liveness, readiness and who the caller is',
  Keys: 'API keys and their roles (admin only)',
  Events: 'Lead events coming in from web, email and the CRM',
  Leads: 'Leads: their scores, stage, handoff and score ledger',
  Sales: "Sales queues and sales' answers to handoffs",
  Models: 'Scoring models: drafts, validation, published versions',
  'Live model': 'Which model scores new events',
  Rescores: 'Rescoring every lead under a model version',
  Reviews: 'Quarterly threshold reviews',
  Reports: 'Funnel, score and grade reports',
  Imports: 'CSV imports of leads and histories of events',
  Webhooks: 'Notifications of handoffs and stage changes (admin only)',
  Calibrations: 'Calibrating a model from history',
} as const;
export type Tag = keyof typeof TAGS;

export interface Operation {
  /** A stable name clients generate a function from, e.g. `getLead`. */
  operationId: string;
  method: 'get' | 'post' | 'put' | 'delete';
  /** Express-style path under /api, e.g. `/leads/:leadId`. */
  path: string;
  tag: Tag;
  /** One line. */
  summary: string;
  /** What it does, for whom, and what it changes; the roles are added to it in the document. */
  description: string;
  /** Who may call it (admin always may). */
  roles: Grant;
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
  /** The media type of `body` (application/json unless said). */
  contentType?: string;
  /** An operation that takes more than one media type: each one's body schema (then `body` is left out). */
  bodies?: Record<string, ZodType>;
  /** The largest body it takes (the API's JSON limit unless said), e.g. `20mb`. */
  bodyLimit?: string;
  /** The success status (200 unless said). */
  status?: number;
  /** Other success statuses it may answer with the same body, status → when (a draft saved over an existing model: 200). */
  alsoSucceeds?: Record<number, string>;
  /** The success body. */
  response: ZodType;
  /** The errors particular to it, status → when; the ones every operation of its kind can answer are added by the document. */
  errors?: Record<number, string>;
  /**
   * A created or started resource: the operation that reads it, and its path under /api, whose
   * parameters are the success body's fields of the same names. Sent as `Location`, documented
   * as a link.
   */
  location?: { operationId: string; path: string };
  /** Requests and answers a client would send and get. */
  examples: { request?: unknown; response: unknown };
}

/** Declares an operation; `as const` keeps its schemas' types for `handle()` and the UI. */
export function operation<const O extends Operation>(definition: O): O {
  return definition;
}
