/** Small HTTP helpers for tests that talk to a running API. */
import { inject } from 'vitest';

export interface JsonResponse<T = any> {
  status: number;
  body: T;
}

/**
 * Calls the API as admin unless `headers` carry another Authorization (or `authorization: ''`,
 * to send no key at all).
 */
export async function request<T = any>(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
  const auth: Record<string, string> = 'authorization' in headers ? {} : { authorization: `Bearer ${inject('adminKey')}` };
  const sent = Object.fromEntries(Object.entries({ ...auth, ...headers }).filter(([, value]) => value !== ''));
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? sent : { 'content-type': 'application/json', ...sent },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Polls `read` until `done` holds for its value; fails naming `what` after `timeoutMs`. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
}
