/**
 * Which roles may call which route. Every route a router registers must be listed here (the
 * router refuses to register one that is not), so a new endpoint is denied to everyone but
 * admin until someone decides who may use it. `public` routes need no key.
 */
import type { Role } from './roles';

type Grant = readonly Exclude<Role, 'admin'>[] | 'public';

const MODEL_READERS = ['marketing', 'reviewer'] as const;
const LEAD_READERS = ['marketing', 'reviewer', 'sales'] as const;

export const PERMISSIONS: Record<string, Grant> = {
  'GET /health': 'public',
  'GET /ready': 'public',
  'GET /me': ['marketing', 'reviewer', 'sales', 'ingest'],
  'GET /keys': [],
  'POST /keys': [],
  'DELETE /keys/:keyId': [],

  'GET /models/current': MODEL_READERS,
  'GET /models': MODEL_READERS,
  'POST /models': ['marketing'],
  'GET /models/:modelId': MODEL_READERS,
  'PUT /models/:modelId/draft': ['marketing'],
  'POST /models/:modelId/validate': ['marketing'],
  'POST /models/:modelId/compile': ['marketing'],
  'POST /models/:modelId/simulate': ['marketing'],
  'POST /models/:modelId/publish': ['marketing'],
  'POST /models/:modelId/rollback': ['marketing'],
  'GET /models/:modelId/versions': MODEL_READERS,
  'GET /models/:modelId/versions/:version': MODEL_READERS,
  'GET /models/:modelId/diff': MODEL_READERS,
  'GET /models/:modelId/audit': MODEL_READERS,

  'GET /live-model': MODEL_READERS,
  'PUT /live-model': ['marketing'],

  'POST /events': ['ingest'],
  'POST /events/batch': ['ingest'],
  'PUT /leads/:leadId/attributes': ['ingest'],
  'GET /leads': LEAD_READERS,
  'GET /leads/:leadId': LEAD_READERS,
  'GET /leads/:leadId/ledger': LEAD_READERS,

  'GET /sales/queues': ['sales'],
  'GET /sales/queues/:queue/handoffs': ['sales'],
  'POST /handoffs/:handoffId/accept': ['sales'],
  'POST /handoffs/:handoffId/qualify': ['sales'],
  'POST /handoffs/:handoffId/reject': ['sales'],
  'POST /handoffs/:handoffId/take': ['sales'],

  'POST /rescores': ['marketing'],
  'GET /rescores/:modelVersion': ['marketing', 'reviewer'],

  'GET /reviews/thresholds': ['reviewer', 'marketing'],
  'POST /reviews/what-if': ['reviewer', 'marketing'],
  'PUT /reviews/thresholds': ['reviewer'],

  'GET /reports/funnel': ['reviewer', 'marketing'],
  'GET /reports/scores': ['reviewer', 'marketing'],
  'GET /reports/grades': ['reviewer', 'marketing'],

  'POST /imports': ['ingest'],
  'POST /imports/events': ['ingest'],
  'GET /imports/:importId': ['ingest', 'marketing'],

  'POST /calibrations': ['marketing'],
  'GET /calibrations': ['marketing'],
  'GET /calibrations/:calibrationId': ['marketing'],
  'POST /calibrations/:calibrationId/rerun': ['marketing'],
  'POST /calibrations/:calibrationId/draft': ['marketing'],

  'GET /webhooks': [],
  'POST /webhooks': [],
  'DELETE /webhooks/:webhookId': [],
};

/** The grant of a route, or undefined when nobody decided (then only admin may call it). */
export function grantOf(method: string, path: string): Grant | undefined {
  return PERMISSIONS[`${method.toUpperCase()} ${path}`];
}

/** Whether `role` may call the route `method path`. */
export function allows(role: Role, method: string, path: string): boolean {
  const grant = grantOf(method, path);
  if (grant === 'public' || role === 'admin') return true;
  return grant !== undefined && (grant as readonly string[]).includes(role);
}
