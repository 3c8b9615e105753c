/**
 * Sends lead notifications to webhooks: a JSON POST signed with HMAC-SHA256 over the body
 * (`X-LeadFlow-Signature: sha256=<hex>`) and carrying an `Idempotency-Key` that is the same on
 * every retry, so the receiver can drop repeats. Each notification goes to every registered
 * webhook that subscribed to its type, and to the one in LEADFLOW_WEBHOOK_URL. If any receiver
 * fails, this throws and the activity that called it is retried: receivers that already took
 * it see the same idempotency key again.
 *
 * Registered receivers are reached only at public addresses unless `allowPrivate` (see
 * webhook-address.ts); the one in LEADFLOW_WEBHOOK_URL is the operator's own and is trusted.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Notification } from '../../workflows/lead.definitions';
import { guardedLookup, hostOf, refusedAddress } from './webhook-address';

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
  /** Let registered receivers be at loopback, private or link-local addresses (LEADFLOW_ALLOW_PRIVATE_WEBHOOKS). */
  allowPrivate?: boolean | undefined;
}

/** How often a worker reads the registered webhooks again: a small collection, read by id. */
export const WEBHOOK_REFRESH_MS = 2_000;

export function createWebhookNotifier(options: WebhookOptions): (notification: Notification) => Promise<void> {
  // A receiver registered now hears of changes from at most WEBHOOK_REFRESH_MS on.
  const { timeoutMs = 10_000, refreshMs = WEBHOOK_REFRESH_MS } = options;
  const fixed: Array<WebhookTarget & { trusted?: boolean }> = options.url ? [{ url: options.url, secret: options.secret, trusted: true }] : [];
  let cached: { targets: WebhookTarget[]; until: number } | undefined;
  const targets = async (): Promise<Array<WebhookTarget & { trusted?: boolean }>> => {
    if (!options.registered) return fixed;
    if (!cached || cached.until < Date.now()) cached = { targets: await options.registered(), until: Date.now() + refreshMs };
    return [...fixed, ...cached.targets];
  };
  return async (notification) => {
    const body = JSON.stringify({ type: notification.type, key: notification.key, handoff: notification.handoff, lead: notification.lead, ...(notification.stage && { stage: notification.stage }) });
    const receivers = (await targets()).filter((target) => !target.events || target.events.includes(notification.type));
    const failures = (
      await Promise.all(
        receivers.map(async ({ url, secret, trusted }) => {
          const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': notification.key, 'x-leadflow-event': notification.type };
          if (secret) headers['x-leadflow-signature'] = `sha256=${sign(secret, body)}`;
          try {
            const status = await post(url, headers, body, timeoutMs, !trusted && !options.allowPrivate);
            return status >= 200 && status < 300 ? undefined : `${url} answered ${status}`;
          } catch (err) {
            return `${url}: ${(err as Error).message}`;
          }
        }),
      )
    ).filter((failure): failure is string => failure !== undefined);
    if (failures.length > 0) throw new Error(`webhook delivery of ${notification.type} ${notification.key} failed: ${failures.join('; ')}`);
  };
}

/** POSTs `body` and answers the status; `guarded`, only to an address webhooks may reach. */
function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number, guarded: boolean): Promise<number> {
  if (guarded) {
    // A literal address is connected to without a lookup: judge it here.
    const host = hostOf(url);
    const problem = isIP(host) ? refusedAddress(host) : undefined;
    if (problem) return Promise.reject(new Error(problem));
  }
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, signal: AbortSignal.timeout(timeoutMs), ...(guarded && { lookup: guardedLookup }) },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** The hex HMAC-SHA256 of `body`: what a receiver recomputes to check the signature. */
export function sign(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * Whether anyone listens to webhooks: the receiver in LEADFLOW_WEBHOOK_URL, or any registered one,
 * read again at most every `refreshMs` as the notifier reads them. Leads tell whether to announce
 * their changes from it: nobody listening, no notification activity is scheduled at all.
 */
export function createListeningCheck(url: string | undefined, registered: () => Promise<readonly unknown[]>, refreshMs = WEBHOOK_REFRESH_MS): () => Promise<boolean> {
  let cached: { value: Promise<boolean>; until: number } | undefined;
  return () => {
    if (url) return Promise.resolve(true);
    if (!cached || cached.until < Date.now()) {
      const value = registered().then((found) => found.length > 0);
      cached = { value, until: Date.now() + refreshMs };
      value.catch(() => (cached = undefined));
    }
    return cached.value;
  };
}
