/**
 * Sends handoff changes to a webhook: a JSON POST signed with HMAC-SHA256 over the body
 * (`X-LeadFlow-Signature: sha256=<hex>`) and carrying an `Idempotency-Key` that is the same on
 * every retry, so the receiver can drop repeats. A non-2xx answer throws, and the activity that
 * called it is retried.
 */
import { createHmac } from 'node:crypto';
import type { Notification } from '../../workflows/lead.activities';

export interface WebhookOptions {
  /** Where to POST; without one, notifications go nowhere. */
  url?: string;
  /** The shared secret for the signature; without one, requests are unsigned. */
  secret?: string;
  timeoutMs?: number;
}

export function createWebhookNotifier(options: WebhookOptions): (notification: Notification) => Promise<void> {
  const { url, secret, timeoutMs = 10_000 } = options;
  if (!url) return async () => {};
  return async (notification) => {
    const body = JSON.stringify({ type: notification.type, key: notification.key, handoff: notification.handoff, lead: notification.lead });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'idempotency-key': notification.key,
      'x-leadflow-event': notification.type,
    };
    if (secret) headers['x-leadflow-signature'] = `sha256=${sign(secret, body)}`;
    const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`webhook ${url} answered ${response.status} to ${notification.type} ${notification.key}`);
  };
}

/** The hex HMAC-SHA256 of `body`: what a receiver recomputes to check the signature. */
export function sign(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}
