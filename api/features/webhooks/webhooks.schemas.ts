import { z } from 'zod';
import { WEBHOOK_EVENTS } from '../../db/webhooks.repository';

export const createWebhookBody = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).max(2000),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length).default([...WEBHOOK_EVENTS]),
  /** Shared secret for the HMAC signature; made here when not given (and shown once). */
  secret: z.string().min(16, 'use at least 16 characters').max(200).optional(),
  description: z.string().max(500).optional(),
});

export const webhookParams = z.object({ webhookId: z.uuid() });
