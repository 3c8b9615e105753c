/**
 * Sends lead notifications to webhooks: a JSON POST signed with HMAC-SHA256 over the body
 * (`X-LeadFlow-Signature: sha256=<hex>`) and carrying an `Idempotency-Key` that is the same on
 * every retry, so the receiver can drop repeats. Each notification goes to every registered
 * webhook that subscribed to its type, and to the one in LEADFLOW_WEBHOOK_URL. If any receiver
 * fails, this throws and the activity that called it is retried: receivers that already took
 * it see the same idempotency key again.
 */
import { createHmac } from 'node:crypto';
import type { Notification } from '../../workflows/lead.definitions';

export interface WebhookTarget {
  url: string;
  /** The shared secret for the signature; without one, requests are unsigned. */
  secret?: string | undefined;
  /** Notification types it wants; all when absent. */
  events?: readonly string[];
}

export interface WebhookOptions {
  /** A fixed receiver from the environment. */
  url?: string | undefined;
  secret?: string | undefined;
  /** Registered receivers, read again at most every `refreshMs`. */
  registered?: () => Promise<WebhookTarget[]>;
  refreshMs?: number;
  timeoutMs?: number;
}

/** How often a worker reads the registered webhooks again: a small collection, read by id. */
export const WEBHOOK_REFRESH_MS = 2_000;

export function createWebhookNotifier(options: WebhookOptions): (notification: Notification) => Promise<void> {
  // A receiver registered now hears of changes from at most WEBHOOK_REFRESH_MS on.
  const { timeoutMs = 10_000, refreshMs = WEBHOOK_REFRESH_MS } = options;
  const fixed: WebhookTarget[] = options.url ? [{ url: options.url, secret: options.secret }] : [];
  let cached: { targets: WebhookTarget[]; until: number } | undefined;
  const targets = async (): Promise<WebhookTarget[]> => {
    if (!options.registered) return fixed;
    if (!cached || cached.until < Date.now()) cached = { targets: await options.registered(), until: Date.now() + refreshMs };
    return [...fixed, ...cached.targets];
  };
  return async (notification) => {
    const body = JSON.stringify({ type: notification.type, key: notification.key, handoff: notification.handoff, lead: notification.lead, ...(notification.stage && { stage: notification.stage }) });
    const receivers = (await targets()).filter((target) => !target.events || target.events.includes(notification.type));
    const failures = (
      await Promise.all(
        receivers.map(async ({ url, secret }) => {
          const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': notification.key, 'x-leadflow-event': notification.type };
          if (secret) headers['x-leadflow-signature'] = `sha256=${sign(secret, body)}`;
          try {
            const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
            return response.ok ? undefined : `${url} answered ${response.status}`;
          } catch (err) {
            return `${url}: ${(err as Error).message}`;
          }
        }),
      )
    ).filter((failure): failure is string => failure !== undefined);
    if (failures.length > 0) throw new Error(`webhook delivery of ${notification.type} ${notification.key} failed: ${failures.join('; ')}`);
  };
}

/** The hex HMAC-SHA256 of `body`: what a receiver recomputes to check the signature. */
export function sign(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}
