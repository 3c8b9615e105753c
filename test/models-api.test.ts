/**
 * Marketing ops' model workflow over HTTP on the real API and database: create from a
 * template, edit the draft (a stale edit gets 409 and changes nothing), validate, preview the
 * compiled rules, publish, diff, roll back, and read the audit log.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { daysAgo } from './support/clock';
import { ruleGraphSchema } from '../rules/graph.schema';
import { twoProductsGraph } from '../rules/templates';
import { freePort } from '../scripts/services';
import { startApi, type AppProcess } from '../scripts/stack';
import { request } from './support/http';

let api: AppProcess;
let base: string;
const modelId = `products-${Date.now().toString(36)}`;
let maria: Record<string, string>;
const call = (method: string, route: string, body?: unknown) => request(base, method, route, body, maria);

beforeAll(async () => {
  const env = { temporalAddress: inject('temporalAddress'), mongoUri: inject('mongoUri'), logDir: path.join(inject('runDir'), 'models-api') };
  api = await startApi(env, await freePort());
  base = api.url as string;
  // Maria from marketing: the audit log names her through her key.
  const key = await request(base, 'POST', '/api/keys', { name: 'maria@acme.example', role: 'marketing' });
  maria = { authorization: `Bearer ${key.body.key}` };
});

afterAll(async () => {
  await api?.stop();
});

/** The two-product template with the analytics page worth `points`. */
const withAnalyticsPoints = (points: number) => {
  const graph = ruleGraphSchema.parse(twoProductsGraph);
  return { ...graph, nodes: graph.nodes.map((n) => (n.id === 'analytics-page-points' && n.kind === 'points' ? { ...n, points } : n)) };
};
const analyticsPoints = (graph: any) => graph.nodes.find((n: any) => n.id === 'analytics-page-points').points;

describe('models and versions', () => {
  it('creates a model from a template, once', async () => {
    const created = await call('POST', '/api/models', { modelId, name: 'Products', template: 'two-products' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ modelId, name: 'Products', latestVersion: 0, draft: { revision: 0, updatedBy: 'maria@acme.example' } });
    expect((await call('POST', '/api/models', { modelId, name: 'Again', template: 'two-products' })).status).toBe(409);
    const list = await call('GET', '/api/models');
    expect(list.body.models.find((m: any) => m.modelId === modelId)).toMatchObject({ draftRevision: 0, latestVersion: 0 });
    expect((await call('GET', `/api/models/${modelId}`)).body).toMatchObject({ issues: [], versions: [] });
  });

  it('saves drafts with optimistic concurrency: a stale edit gets 409 and changes nothing', async () => {
    expect((await call('PUT', `/api/models/${modelId}/draft`, { revision: 0, graph: withAnalyticsPoints(25) })).body).toEqual({ revision: 1, issues: [] });
    const stale = await call('PUT', `/api/models/${modelId}/draft`, { revision: 0, graph: withAnalyticsPoints(99) });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toMatch(/saved by maria@acme.example since revision 0 \(now 1\)/);
    const model = (await call('GET', `/api/models/${modelId}`)).body;
    expect(model.draft.revision).toBe(1);
    expect(analyticsPoints(model.draft.graph)).toBe(25);
  });

  it('validates a graph into issues that name their nodes, and previews the compiled rules', async () => {
    const broken = { ...withAnalyticsPoints(25), nodes: [...withAnalyticsPoints(25).nodes, { id: 'lost', kind: 'points', score: 'nope', points: 5 }] };
    const validated = await call('POST', `/api/models/${modelId}/validate`, { graph: broken });
    expect(validated.body.ok).toBe(false);
    expect(validated.body.issues).toContainEqual(expect.objectContaining({ code: 'unknown_score', nodeId: 'lost' }));
    const preview = await call('POST', `/api/models/${modelId}/compile`, {});
    expect(preview.body.compiled.rules.find((r: any) => r.id === 'analytics-page-points').event.params.points).toBe(25);
    const refused = await call('POST', `/api/models/${modelId}/compile`, { graph: broken });
    expect(refused.status).toBe(422);
    expect(refused.body.error.issues).toContainEqual(expect.objectContaining({ nodeId: 'lost' }));
  });

  it('publishes versions, diffs them, and rolls back by publishing an earlier graph again', async () => {
    expect((await call('POST', `/api/models/${modelId}/publish`, { revision: 0, changeNote: 'first' })).status).toBe(409);
    const v1 = await call('POST', `/api/models/${modelId}/publish`, { revision: 1, changeNote: 'analytics page 25' });
    expect(v1).toMatchObject({ status: 201, body: { version: 1, changeNote: 'analytics page 25', publishedBy: 'maria@acme.example' } });
    await call('PUT', `/api/models/${modelId}/draft`, { revision: 1, graph: withAnalyticsPoints(30) });
    expect((await call('POST', `/api/models/${modelId}/publish`, { revision: 2, changeNote: 'analytics page 30' })).body.version).toBe(2);

    const diff = await call('GET', `/api/models/${modelId}/diff?from=1&to=2`);
    expect(diff.body).toMatchObject({ from: 1, to: 2, changed: ['analytics-page-points'], points: [{ nodeId: 'analytics-page-points', from: 25, to: 30 }] });

    const rolledBack = await call('POST', `/api/models/${modelId}/rollback`, { version: 1, changeNote: 'conversion dropped' });
    expect(rolledBack).toMatchObject({ status: 201, body: { version: 3, changeNote: 'conversion dropped (roll back to version 1)' } });
    expect(analyticsPoints(rolledBack.body.graph)).toBe(25);
    expect(analyticsPoints((await call('GET', `/api/models/${modelId}`)).body.draft.graph)).toBe(25);
    expect((await call('GET', `/api/models/${modelId}/versions`)).body.versions.map((v: any) => v.version)).toEqual([3, 2, 1]);
    expect(analyticsPoints((await call('GET', `/api/models/${modelId}/versions/2`)).body.graph)).toBe(30);
  });

  it('refuses to publish a draft with errors, and to store a hostile one; nothing changes', async () => {
    const model = (await call('GET', `/api/models/${modelId}`)).body;
    const broken = { ...model.draft.graph, nodes: [...model.draft.graph.nodes, { id: 'lost', kind: 'points', score: 'nope', points: 5 }] };
    const saved = await call('PUT', `/api/models/${modelId}/draft`, { revision: model.draft.revision, graph: broken });
    expect(saved.status).toBe(200);
    expect(saved.body.issues).toContainEqual(expect.objectContaining({ code: 'unknown_score', nodeId: 'lost' }));
    const publish = await call('POST', `/api/models/${modelId}/publish`, { revision: saved.body.revision, changeNote: 'oops' });
    expect(publish.status).toBe(422);
    expect(publish.body.error).toMatchObject({ code: 'invalid_graph', issues: expect.arrayContaining([expect.objectContaining({ nodeId: 'lost' })]) });
    expect((await call('GET', `/api/models/${modelId}/versions`)).body.versions).toHaveLength(3);

    const hostile = JSON.parse(`{"revision": ${saved.body.revision}, "graph": {"__proto__": {"admin": true}, "name": "x"}}`);
    const refused = await call('PUT', `/api/models/${modelId}/draft`, hostile);
    expect(refused).toMatchObject({ status: 400, body: { error: { fields: [{ path: 'body.graph.__proto__' }] } } });
    expect((await call('GET', `/api/models/${modelId}`)).body.draft.revision).toBe(saved.body.revision);
  });

  it('refuses graphs the database cannot store, naming the field; nothing is stored', async () => {
    const model = (await call('GET', `/api/models/${modelId}`)).body;
    const graph = model.draft.graph;
    const withKey = (key: string) => ({ ...graph, nodes: [{ ...graph.nodes[0], [key]: { x: 1 } }, ...graph.nodes.slice(1)] });
    const cases: Array<[unknown, string]> = [
      [{ nodes: [[]] }, 'body.graph.nodes.0'],
      [withKey('$where'), 'body.graph.nodes.0.$where'],
      [withKey('a.b'), 'body.graph.nodes.0.a.b'],
      [withKey('nul\u0000key'), 'body.graph.nodes.0.nul\u0000key'],
    ];
    for (const [bad, field] of cases) {
      const draft = await call('PUT', `/api/models/${modelId}/draft`, { revision: model.draft.revision, graph: bad });
      expect(draft.status, JSON.stringify(draft.body)).toBe(400);
      expect(draft.body.error.fields.map((f: any) => f.path)).toContain(field);
      const created = await call('POST', '/api/models', { modelId: `${modelId}-bad`, name: 'x', graph: bad });
      expect(created.status, JSON.stringify(created.body)).toBe(400);
      expect(created.body.error.fields.map((f: any) => f.path)).toContain(field);
    }
    expect((await call('GET', `/api/models/${modelId}`)).body.draft.revision).toBe(model.draft.revision);
    expect((await call('GET', `/api/models/${modelId}-bad`)).status).toBe(404);
  });

  it('keeps an audit log of who did what', async () => {
    const audit = await call('GET', `/api/models/${modelId}/audit`);
    expect(audit.body.entries.map((e: any) => [e.action, e.actor, e.version ?? e.revision])).toEqual([
      ['model.created', 'maria@acme.example', 0],
      ['draft.saved', 'maria@acme.example', 1],
      ['version.published', 'maria@acme.example', 1],
      ['draft.saved', 'maria@acme.example', 2],
      ['version.published', 'maria@acme.example', 2],
      ['version.rolled_back', 'maria@acme.example', 3],
      ['draft.saved', 'maria@acme.example', 4],
    ]);
  });

  it('answers unknown models and versions with 404', async () => {
    expect((await call('GET', '/api/models/nope')).status).toBe(404);
    expect((await call('GET', `/api/models/${modelId}/diff?from=1&to=9`)).status).toBe(404);
    expect((await call('POST', `/api/models/${modelId}/rollback`, { version: 9, changeNote: 'x' })).status).toBe(404);
    expect((await call('GET', `/api/models/${modelId}/diff?from=0&to=1`)).body.error.fields[0].path).toBe('query.from');
  });
});

describe('simulating a draft', () => {
  it('runs a made-up timeline through the draft: points per event with reasons, stage changes, timers', async () => {
    // The draft was left with an error above: simulate the graph being edited instead.
    // A month of made-up history, simulated to a month from now.
    const until = daysAgo(-30);
    const simulated = await call('POST', `/api/models/${modelId}/simulate`, {
      graph: withAnalyticsPoints(25),
      attributes: { companySize: 40 },
      events: [
        { type: 'page_view', properties: { url: '/products/analytics' }, occurredAt: daysAgo(31) },
        { type: 'page_view', properties: { url: '/products/analytics/pricing' }, occurredAt: daysAgo(30) },
      ],
      until,
    });
    expect(simulated.status, JSON.stringify(simulated.body).slice(0, 600)).toBe(200);
    const events = simulated.body.steps.filter((s: any) => s.kind === 'event');
    expect(events.map((s: any) => s.event.eventId)).toEqual(['sim:profile', 'sim-1', 'sim-2']);
    // The graph being edited gives the analytics page 25, not the published 15.
    expect(events[1].entries).toContainEqual(expect.objectContaining({ ruleId: 'analytics-page-points', points: 25 }));
    expect(events[1].entries.every((e: any) => typeof e.reason === 'string' && e.reason.length > 0)).toBe(true);
    expect(simulated.body.steps.at(-1).at <= until).toBe(true);
    // It says how far it ran, whether or not anything changed then: a chart of it ends there.
    expect(simulated.body.until).toBe(new Date(until).toISOString());
  });

  it('refuses a graph with errors (422 with its issues) and a request with neither events nor a lead (400)', async () => {
    const broken = { ...withAnalyticsPoints(25), nodes: [...withAnalyticsPoints(25).nodes, { id: 'lost', kind: 'points', score: 'nope', points: 5 }] };
    const refused = await call('POST', `/api/models/${modelId}/simulate`, { graph: broken, events: [] });
    expect(refused.status).toBe(422);
    expect(refused.body.error.issues).toContainEqual(expect.objectContaining({ nodeId: 'lost' }));
    expect((await call('POST', `/api/models/${modelId}/simulate`, {})).body.error.fields[0].path).toBe('body.events');
  });
});
