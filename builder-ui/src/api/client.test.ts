import { describe, expect, it, vi } from 'vitest';
import { ApiError, createApiClient, describeError, toApiError } from './client';

/** A fetch that answers with `status` and `body`, and records what it was asked. */
function fakeFetch(status: number, body: unknown) {
  return vi.fn(async (_url: string, _init?: RequestInit) => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status }));
}

describe('API client', () => {
  it('sends the key as a bearer token, and JSON bodies', async () => {
    const fetch = fakeFetch(200, { revision: 4, issues: [] });
    const client = createApiClient({ getKey: () => 'lf_abc_secret', fetch: fetch as unknown as typeof globalThis.fetch });
    await expect(client.saveDraft('b2b model', 3, { name: 'x' })).resolves.toEqual({ revision: 4, issues: [] });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/api/models/b2b%20model/draft');
    expect(init).toMatchObject({ method: 'PUT', body: JSON.stringify({ revision: 3, graph: { name: 'x' } }) });
    expect(init?.headers).toMatchObject({ authorization: 'Bearer lf_abc_secret', 'content-type': 'application/json' });
  });

  it('sends no Authorization header without a key, and reads the key on every call', async () => {
    let key: string | null = null;
    const fetch = fakeFetch(200, { models: [] });
    const client = createApiClient({ getKey: () => key, fetch: fetch as unknown as typeof globalThis.fetch });
    await client.listModels();
    key = 'lf_new_key';
    await client.listModels();
    expect(fetch.mock.calls[0]![1]?.headers).not.toHaveProperty('authorization');
    expect(fetch.mock.calls[1]![1]?.headers).toMatchObject({ authorization: 'Bearer lf_new_key' });
  });

  it("turns the API's error shape into an ApiError with fields and issues", async () => {
    const issues = [{ severity: 'error', code: 'unknown_score', message: 'Points go to the score "x"', nodeId: 'p' }];
    const client = createApiClient({
      getKey: () => 'k',
      fetch: fakeFetch(422, { error: { status: 422, code: 'invalid_graph', message: 'The graph has 1 error(s)', issues, requestId: 'r1' } }) as unknown as typeof fetch,
    });
    const error = await client.compile('m', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 422, code: 'invalid_graph', message: 'The graph has 1 error(s)', issues, requestId: 'r1' });

    const refused = toApiError(400, { error: { status: 400, code: 'invalid_request', message: 'Invalid request', fields: [{ path: 'body.modelId', message: 'use letters' }, 'junk'] } });
    expect(refused.fields).toEqual([{ path: 'body.modelId', message: 'use letters' }]);
    expect(describeError(refused)).toBe('Invalid request · body.modelId: use letters');
  });

  it('tells 409 conflicts and calls back on 401', async () => {
    const onUnauthorized = vi.fn();
    const denied = createApiClient({ getKey: () => 'k', onUnauthorized, fetch: fakeFetch(401, { error: { status: 401, code: 'unauthorized', message: 'The API key is unknown or revoked' } }) as unknown as typeof fetch });
    const error = (await denied.me().catch((e: unknown) => e)) as ApiError;
    expect(error.unauthorized).toBe(true);
    expect(onUnauthorized).toHaveBeenCalledWith(error);

    const stale = createApiClient({ getKey: () => 'k', onUnauthorized, fetch: fakeFetch(409, { error: { status: 409, code: 'conflict', message: 'saved by Ann since revision 2' } }) as unknown as typeof fetch });
    const conflict = (await stale.publish('m', 2, 'note').catch((e: unknown) => e)) as ApiError;
    expect(conflict.conflict).toBe(true);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('reports pages that are not the error shape, and an unreachable API', async () => {
    const proxy = createApiClient({ getKey: () => null, fetch: fakeFetch(502, '<html>Bad gateway</html>') as unknown as typeof fetch });
    await expect(proxy.me()).rejects.toMatchObject({ status: 502, code: 'http_502', message: 'The API answered 502.' });
    const missing = createApiClient({ getKey: () => null, fetch: fakeFetch(404, '') as unknown as typeof fetch });
    await expect(missing.me()).rejects.toMatchObject({ status: 404, message: 'The API answered 404 (not found).' });
    const down = createApiClient({
      getKey: () => null,
      fetch: (async () => {
        throw new TypeError('fetch failed');
      }) as unknown as typeof fetch,
    });
    await expect(down.listModels()).rejects.toMatchObject({ status: 0, code: 'network', message: 'The LeadFlow API could not be reached (fetch failed).' });
  });

  it('builds the diff and rollback requests the API expects', async () => {
    const fetch = fakeFetch(200, {});
    const client = createApiClient({ getKey: () => 'k', baseUrl: 'http://api.test', fetch: fetch as unknown as typeof globalThis.fetch });
    await client.diff('m', 1, 3);
    await client.rollback('m', 1, 'Back to the first');
    await client.createModel({ modelId: 'n', name: 'N', template: 'b2b-default' });
    expect(fetch.mock.calls.map(([url, init]) => [url, init?.method, init?.body])).toEqual([
      ['http://api.test/api/models/m/diff?from=1&to=3', 'GET', undefined],
      ['http://api.test/api/models/m/rollback', 'POST', JSON.stringify({ version: 1, changeNote: 'Back to the first' })],
      ['http://api.test/api/models', 'POST', JSON.stringify({ modelId: 'n', name: 'N', template: 'b2b-default' })],
    ]);
  });
});
