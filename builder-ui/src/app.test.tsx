// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './app';
import { mayOpen, menuFor } from './shell/navigation';
import { hrefOf, parseHash, type Route } from './shell/routes';
import { KEY_STORAGE } from './shell/session';

/** Stands in for the API: answers by method and path, and records the Authorization header it got. */
function serve(routes: Record<string, { status?: number; body: unknown }>) {
  const seen: Array<{ request: string; authorization: string | undefined }> = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const request = `${init.method ?? 'GET'} ${url}`;
      seen.push({ request, authorization: (init.headers as Record<string, string>)?.authorization });
      const reply = routes[request] ?? { status: 404, body: { error: { status: 404, code: 'not_found', message: `No route for ${request}` } } };
      return new Response(JSON.stringify(reply.body), { status: reply.status ?? 200 });
    }),
  );
  return seen;
}

const MODELS = { models: [{ modelId: 'b2b', name: 'B2B starter model', description: '', latestVersion: 1, createdAt: '2026-01-01', draftRevision: 0, draftUpdatedAt: '2026-01-01' }] };

beforeEach(() => {
  localStorage.clear();
  window.location.hash = '';
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('app shell', () => {
  it('asks for a key, keeps it, and shows a marketer the models', async () => {
    const seen = serve({ 'GET /api/me': { body: { name: 'Mia', role: 'marketing' } }, 'GET /api/models': { body: MODELS } });
    render(<App />);
    const user = userEvent.setup();
    await user.type(screen.getByTestId('signin-key'), 'lf_key_1');
    await user.click(screen.getByTestId('signin-submit'));
    expect(await screen.findByTestId('models-list')).toBeTruthy();
    expect(screen.getByTestId('whoami').textContent).toBe('Mia · marketing');
    expect(screen.getByTestId('nav-models').getAttribute('aria-current')).toBe('page');
    expect(screen.getByTestId('create-submit')).toBeTruthy();
    expect(localStorage.getItem(KEY_STORAGE)).toBe('lf_key_1');
    expect(seen.every((call) => call.authorization === 'Bearer lf_key_1')).toBe(true);

    await user.click(screen.getByTestId('signout'));
    expect(screen.getByTestId('signin-key')).toBeTruthy();
    expect(localStorage.getItem(KEY_STORAGE)).toBeNull();
  });

  it('shows sales no models or editor', async () => {
    localStorage.setItem(KEY_STORAGE, 'lf_sales');
    serve({ 'GET /api/me': { body: { name: 'Sam', role: 'sales', owner: 'sam' } } });
    window.location.hash = '#/models/b2b';
    render(<App />);
    expect(await screen.findByTestId('forbidden')).toBeTruthy();
    expect(screen.queryByTestId('nav-models')).toBeNull();
    expect(screen.getByTestId('nav-queue')).toBeTruthy();
    expect(screen.getByTestId('nav-leads')).toBeTruthy();
    expect(screen.queryByTestId('nav-review')).toBeNull();
    expect(screen.queryByTestId('nav-dashboard')).toBeNull();
  });

  it('starts a sales key on its queue', async () => {
    localStorage.setItem(KEY_STORAGE, 'lf_sales');
    serve({
      'GET /api/me': { body: { name: 'Sam', role: 'sales', owner: 'sam', queues: ['inbound-sales'] } },
      'GET /api/sales/queues/inbound-sales/handoffs?status=pending': { body: { handoffs: [] } },
    });
    render(<App />);
    expect(await screen.findByTestId('queue-empty')).toBeTruthy();
    expect(screen.getByTestId('nav-queue').getAttribute('aria-current')).toBe('page');
  });

  it('lets a reviewer read the models but not create one', async () => {
    localStorage.setItem(KEY_STORAGE, 'lf_review');
    serve({ 'GET /api/me': { body: { name: 'Rita', role: 'reviewer' } }, 'GET /api/models': { body: MODELS } });
    render(<App />);
    expect(await screen.findByTestId('models-list')).toBeTruthy();
    expect(screen.queryByTestId('create-submit')).toBeNull();
  });

  it('signs out with the reason when the API refuses the key', async () => {
    localStorage.setItem(KEY_STORAGE, 'lf_revoked');
    serve({ 'GET /api/me': { status: 401, body: { error: { status: 401, code: 'unauthorized', message: 'The API key is unknown or revoked' } } } });
    render(<App />);
    expect((await screen.findByTestId('signin-error')).textContent).toBe('The API refused the key: The API key is unknown or revoked');
    expect(localStorage.getItem(KEY_STORAGE)).toBeNull();
  });

  it('keeps the key and offers to try again when it cannot be checked', async () => {
    localStorage.setItem(KEY_STORAGE, 'lf_maybe');
    serve({});
    render(<App />);
    expect((await screen.findByTestId('session-error')).textContent).toContain('No route for GET /api/me');
    expect(localStorage.getItem(KEY_STORAGE)).toBe('lf_maybe');
  });
});

describe('routes and navigation', () => {
  it('reads and writes hash routes', () => {
    const routes: Route[] = [
      { screen: 'home' },
      { screen: 'models' },
      { screen: 'editor', modelId: 'b2b default' },
      { screen: 'simulate', modelId: 'b2b' },
      { screen: 'queue' },
      { screen: 'leads', leadId: 'lead-1' },
    ];
    for (const route of routes) expect(parseHash(hrefOf(route))).toEqual(route);
    expect(parseHash('#/models/b2b/')).toEqual({ screen: 'editor', modelId: 'b2b' });
    expect(parseHash('#/nowhere/at/all')).toEqual({ screen: 'not-found', path: '/nowhere/at/all' });
  });

  it('opens each screen to the roles that use it', () => {
    expect(menuFor('marketing').map((e) => e.screen)).toEqual(expect.arrayContaining(['models', 'review', 'leads', 'dashboard']));
    expect(menuFor('marketing').map((e) => e.screen)).not.toContain('queue');
    expect(menuFor('reviewer').map((e) => e.screen)).toEqual(['models', 'review', 'leads', 'dashboard']);
    expect(menuFor('sales').map((e) => e.screen)).toEqual(['queue', 'leads']);
    expect(menuFor('ingest')).toEqual([]);
    expect(mayOpen({ screen: 'editor', modelId: 'm' }, 'sales')).toBe(false);
    expect(mayOpen({ screen: 'editor', modelId: 'm' }, 'reviewer')).toBe(true);
    expect(mayOpen({ screen: 'simulate', modelId: 'm' }, 'reviewer')).toBe(false);
    expect(mayOpen({ screen: 'queue' }, 'sales')).toBe(true);
    expect(mayOpen({ screen: 'queue' }, 'marketing')).toBe(false);
    expect(mayOpen({ screen: 'leads', leadId: 'x' }, 'sales')).toBe(true);
    expect(mayOpen({ screen: 'review' }, 'sales')).toBe(false);
    expect(mayOpen({ screen: 'dashboard' }, 'sales')).toBe(false);
  });
});
