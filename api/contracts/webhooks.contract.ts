/** Webhooks: URLs told of handoffs and stage changes. */
import { z } from 'zod';
import { instant } from './fields';
import { operation } from './operation';

/** What a webhook may be told of. */
export const WEBHOOK_EVENTS = ['handoff.created', 'handoff.escalated', 'handoff.expired', 'handoff.withdrawn', 'handoff.answered', 'stage.changed'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const createWebhookBody = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).max(2000).describe('Where to POST; not a loopback, private or link-local address unless the operator allows them'),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length).default([...WEBHOOK_EVENTS]).describe('What to be told of; everything when absent'),
  secret: z.string().min(16, 'use at least 16 characters').max(200).optional().describe('Shared secret for the HMAC-SHA256 signature; made here when not given (and shown once)'),
  description: z.string().max(500).optional().describe('What it is for, for the people reading the list'),
});

export const webhookParams = z.object({ webhookId: z.uuid().describe("The webhook's id").meta({ examples: ['0d5c8a0e-8f4f-4c8e-9d1e-2b3c4d5e6f70'] }) });

export const webhookViewSchema = z.object({
  webhookId: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  description: z.string().optional(),
  createdAt: instant,
  createdBy: z.string(),
});

const example = { webhookId: '0d5c8a0e-8f4f-4c8e-9d1e-2b3c4d5e6f70', url: 'https://crm.example.com/hooks/leadflow', events: ['handoff.created' as const], createdAt: '2026-01-05T09:00:00.000Z', createdBy: 'admin' };

export const webhooksOperations = {
  listWebhooks: operation({
    operationId: 'listWebhooks',
    method: 'get',
    path: '/webhooks',
    tag: 'Webhooks',
    summary: 'Registered webhooks',
    description: 'Registered webhooks, without their secrets.',
    roles: [],
    response: z.object({ webhooks: z.array(webhookViewSchema) }),
    examples: { response: { webhooks: [example] } },
  }),
  createWebhook: operation({
    operationId: 'createWebhook',
    method: 'post',
    path: '/webhooks',
    tag: 'Webhooks',
    summary: 'Register a webhook',
    description: 'Registers a URL for handoff and stage-change notifications, signed with HMAC-SHA256 and retried. The secret is shown in this answer only.',
    roles: [],
    status: 201,
    body: createWebhookBody,
    response: webhookViewSchema.extend({ secret: z.string().describe('The signing secret; shown this once') }),
    errors: { 400: 'A field is invalid, or the URL reaches a loopback, private or link-local address (unless the operator allows them)' },
    examples: { request: { url: example.url, events: ['handoff.created'] }, response: { ...example, secret: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ' } },
  }),
  deleteWebhook: operation({
    operationId: 'deleteWebhook',
    method: 'delete',
    path: '/webhooks/:webhookId',
    tag: 'Webhooks',
    summary: 'Stop sending to a webhook',
    description: 'Removes a webhook: nothing more is sent to it.',
    roles: [],
    params: webhookParams,
    response: z.object({ webhookId: z.string(), removed: z.literal(true) }),
    errors: { 404: 'No such webhook' },
    examples: { response: { webhookId: example.webhookId, removed: true } },
  }),
};
