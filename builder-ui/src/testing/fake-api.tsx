/**
 * Component tests' stand-in for the API: `fetch` answers by "METHOD /path?query" from a table of
 * replies (or functions of the request body), and records every call with its parsed body.
 */
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { vi } from 'vitest';
import type { Me } from '../api/client';
import { KEY_STORAGE, SessionProvider } from '../shell/session';

export interface Call {
  request: string;
  body: unknown;
}

export type Reply = { status?: number; body: unknown } | ((body: unknown) => { status?: number; body: unknown } | Promise<{ status?: number; body: unknown }>);

export function serveApi(routes: Record<string, Reply>): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const request = `${init.method ?? 'GET'} ${url}`;
      const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
      calls.push({ request, body });
      const route = routes[request];
      const reply = typeof route === 'function' ? await route(body) : (route ?? { status: 404, body: { error: { status: 404, code: 'not_found', message: `No route for ${request}` } } });
      return new Response(JSON.stringify(reply.body), { status: reply.status ?? 200 });
    }),
  );
  return calls;
}

/** Renders `ui` inside a session signed in with `me` (GET /api/me is answered for it). */
export function renderSignedIn(ui: ReactNode, me: Me, routes: Record<string, Reply>): Call[] {
  localStorage.setItem(KEY_STORAGE, 'lf_test_key');
  const calls = serveApi({ 'GET /api/me': { body: me }, ...routes });
  render(<SessionProvider>{ui}</SessionProvider>);
  return calls;
}
