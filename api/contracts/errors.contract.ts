/**
 * The one error shape every failed request gets, and every code it may carry. `HttpError` takes
 * an `ErrorCode`, so a code the API uses and this list lacks does not compile (and a unit test
 * reads the sources for codes, in case one is built another way).
 */
import { z } from 'zod';
import type { GraphIssue } from '../../rules/graph-issue';

/** Every error code, with when it is answered. */
export const ERROR_CODES = {
  invalid_request: 'A parameter, query parameter or body field is invalid; `fields` names each (400)',
  invalid_json: 'The body is not valid JSON (400)',
  invalid_file: 'An uploaded CSV file cannot be read as a whole (400)',
  import_interrupted: 'An upload broke off; send it again under the same importId to resume (400)',
  unauthorized: 'No API key, or one that is unknown or revoked (401)',
  forbidden: "The key's role may not call this operation, or the resource is another team's (403)",
  not_found: 'The resource, or the route, does not exist (404)',
  method_not_allowed: 'The path does not answer this method; `Allow` names the ones it does (405)',
  conflict: 'The resource changed since the caller saw it, exists already, or cannot take this change (409)',
  import_running: 'An import under this id is under way (409)',
  not_published: 'The model has no published version (409)',
  rescore_ended: 'The rescoring ended without finishing (409)',
  gone: 'What the request needs is no longer kept (410)',
  too_large: 'The body is larger than the operation takes (413)',
  headers_too_large: 'The request line and headers are larger than 16 KB, e.g. a query string of hundreds of values (431)',
  unsupported_media_type: 'The body is in a media type the operation does not take (415)',
  invalid_graph: 'The rule graph has errors; `issues` names each node or edge (422)',
  not_usable: 'The model version cannot score events (422)',
  too_many_events: 'The lead has more events than a simulation takes (422)',
  too_few_outcomes: 'Too few leads of the period have an outcome to calibrate on (422)',
  too_many_failures: 'Too many keys that did not work came from this client lately; see Retry-After (429)',
  internal: 'Something went wrong on the server (500)',
  response_mismatch: 'The server was about to answer with a body its contract does not allow; only when LEADFLOW_CHECK_RESPONSES=fail, as under tests (500)',
  database_unavailable: 'The database does not answer; see Retry-After (503)',
  temporal_unavailable: 'Temporal does not answer; see Retry-After (503)',
  overloaded: 'LeadFlow is behind on delivering events; see Retry-After (503)',
  lead_busy: 'The lead is taking in a burst of events; retry (503)',
  no_worker: 'No LeadFlow worker answered in time (503)',
  not_ready: 'The database or Temporal does not answer the readiness check (503)',
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** A field of the request that is wrong. */
export const fieldErrorSchema = z.object({
  path: z.string().describe('Where the problem is: `params.<name>`, `query.<name>` or `body.<path>`, e.g. body.occurredAt'),
  message: z.string().describe('What is wrong and what is accepted'),
});
export type FieldError = z.infer<typeof fieldErrorSchema>;

/** A problem in a rule graph, naming the node or edge to blame (rules/graph-issue.ts). */
export const graphIssueSchema = z.object({
  severity: z.enum(['error', 'warning']).describe('An error stops publishing; a warning does not'),
  code: z.string().describe('The kind of problem, e.g. unknown_fact'),
  message: z.string(),
  nodeId: z.string().optional().describe('The node to blame'),
  edgeId: z.string().optional().describe('The edge to blame'),
  path: z.array(z.union([z.string(), z.number()])).optional().describe('Where in the submitted JSON, when no node or edge is to blame'),
  field: z.array(z.union([z.string(), z.number()])).optional().describe("Within the node, the field to blame, e.g. ['conditions', 1, 'value']"),
}) satisfies z.ZodType<GraphIssue>;

export const errorBodySchema = z
  .object({
    error: z.object({
      status: z.number().int().describe('The HTTP status, again'),
      code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]).describe('What went wrong, for a program: one of a fixed list'),
      message: z.string().describe('What went wrong, for a person'),
      fields: z.array(fieldErrorSchema).optional().describe('With invalid_request: each field that is wrong'),
      issues: z.array(graphIssueSchema).optional().describe("With invalid_graph: the graph's problems, each naming its node or edge"),
      requestId: z.string().optional().describe('Quote it when reporting a problem: the logs carry it too'),
    }),
  })
  .describe('The one shape of every error answer');
export type ErrorBody = z.infer<typeof errorBodySchema>;
