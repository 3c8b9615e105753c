/** API keys and who holds them; the caller's own. */
import { z } from 'zod';
import { count, instant, slug } from './fields';
import { operation } from './operation';
import { ROLES } from './roles';

export const createKeyBody = z
  .strictObject({
    name: z.string().min(1).max(100).regex(/^[\x20-\x7e]+$/, 'printable ASCII').describe('Who holds the key; the audit log names them'),
    role: z.enum(ROLES).describe('What the key may do'),
    queues: z.array(slug).min(1).max(50).optional().describe('Sales keys: the queues the rep or team works'),
    owner: slug.optional().describe('Sales keys of one rep: their owner id in the routes'),
  })
  .superRefine((body, ctx) => {
    if (body.role === 'sales' && !body.queues) ctx.addIssue({ code: 'custom', path: ['queues'], message: 'a sales key needs the queues it works' });
    if (body.role !== 'sales' && (body.queues || body.owner)) {
      ctx.addIssue({ code: 'custom', path: [body.queues ? 'queues' : 'owner'], message: 'only sales keys are scoped to queues and an owner' });
    }
  })
  // The same rule in the document, for clients and generators (zod cannot write a refinement there).
  .meta({
    if: { properties: { role: { const: 'sales' } }, required: ['role'] },
    then: { required: ['queues'] },
    else: { not: { anyOf: [{ required: ['queues'] }, { required: ['owner'] }] } },
  });

export const keyParams = z.object({
  keyId: z.string().regex(/^[a-z0-9]{12}$/, 'a key id is 12 lowercase letters and digits').describe('The id in lf_<keyId>_<secret>').meta({ examples: ['k3y1d0000001'] }),
});

/** Who the presented key belongs to. */
export const meSchema = z.object({
  keyId: z.string(),
  name: z.string().describe("The key's holder"),
  role: z.enum(ROLES),
  queues: z.array(z.string()).optional().describe('Sales: the queues the key works'),
  owner: z.string().optional().describe('Sales: the rep the key works for'),
});
export type Me = z.infer<typeof meSchema>;

/** A key as lists show it: never its secret. */
export const keyViewSchema = meSchema.extend({
  createdAt: instant,
  createdBy: z.string(),
  revokedAt: instant.optional().describe('Set once revoked: the key no longer works'),
});

/** A queue that sales keys work. */
export const workedQueueSchema = z.object({
  queue: z.string().describe('The queue id, as routes name it'),
  keys: count.describe('Active sales keys that work the queue'),
});
export type WorkedQueue = z.infer<typeof workedQueueSchema>;

const exampleKey = { keyId: 'k3y1d0000001', name: 'EMEA sales team', role: 'sales' as const, queues: ['emea-enterprise'], createdAt: '2026-01-05T09:00:00.000Z', createdBy: 'admin' };

export const keysOperations = {
  getMe: operation({
    operationId: 'getMe',
    method: 'get',
    path: '/me',
    tag: 'Service',
    summary: 'Who the presented key belongs to',
    description: 'The holder, role and (for sales keys) queues and rep of the API key presented: what the builder UI shows after signing in.',
    roles: ['marketing', 'reviewer', 'sales', 'ingest'],
    response: meSchema,
    examples: { response: { keyId: 'k3y1d0000001', name: 'EMEA sales team', role: 'sales', queues: ['emea-enterprise'] } },
  }),
  listWorkedQueues: operation({
    operationId: 'listWorkedQueues',
    method: 'get',
    path: '/queues',
    tag: 'Sales',
    summary: 'The queues sales works',
    description: 'Every queue at least one active sales key works, with how many keys, by queue id: a route to any other queue hands its leads to nobody. No key secrets or names.',
    roles: ['marketing', 'reviewer'],
    response: z.object({ queues: z.array(workedQueueSchema) }),
    examples: { response: { queues: [{ queue: 'emea-enterprise', keys: 2 }] } },
  }),
  listKeys: operation({
    operationId: 'listKeys',
    method: 'get',
    path: '/keys',
    tag: 'Keys',
    summary: 'Every API key',
    description: 'Every API key, revoked ones included, without secrets.',
    roles: [],
    response: z.object({ keys: z.array(keyViewSchema) }),
    examples: { response: { keys: [exampleKey] } },
  }),
  createKey: operation({
    operationId: 'createKey',
    method: 'post',
    path: '/keys',
    tag: 'Keys',
    summary: 'Create an API key',
    description: 'Creates an API key for a role; its secret is shown in this answer only.',
    roles: [],
    status: 201,
    body: createKeyBody,
    response: keyViewSchema.extend({ key: z.string().describe('The key to present as `Authorization: Bearer <key>`; shown this once') }),
    errors: { 400: 'A field is invalid (each named), e.g. a sales key without queues' },
    examples: {
      request: { name: 'EMEA sales team', role: 'sales', queues: ['emea-enterprise'] },
      response: { ...exampleKey, key: 'lf_k3y1d0000001_Zm9vYmFyYmF6cXV4cXV1eGZvb2JhcmJhenF1eHF1dXhmb28' },
    },
  }),
  revokeKey: operation({
    operationId: 'revokeKey',
    method: 'delete',
    path: '/keys/:keyId',
    tag: 'Keys',
    summary: 'Revoke an API key',
    description: 'Revokes an API key: it stops working within 5 s. The last admin key cannot be revoked.',
    roles: [],
    params: keyParams,
    response: z.object({ keyId: z.string(), revoked: z.literal(true) }),
    errors: { 404: 'No active key has this id', 409: 'This is the last admin key; create another admin key first' },
    examples: { response: { keyId: 'k3y1d0000001', revoked: true } },
  }),
};
