import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, OPERATIONS } from '../contracts';
import { contractProblems } from './handler';
import { allowedMethods, buildOpenApiDocument } from './openapi';

const document = buildOpenApiDocument(OPERATIONS, '/api', { title: 'LeadFlow API', version: '0', description: 'd' }) as any;
const operations = Object.entries(document.paths).flatMap(([route, methods]) => Object.entries(methods as object).map(([method, op]) => ({ where: `${method.toUpperCase()} ${route}`, op: op as any })));

describe('the OpenAPI document generated from the contract', () => {
  it('is valid OpenAPI 3.1 with a server, and documents every operation of the contract', async () => {
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
    expect(operations).toHaveLength(OPERATIONS.length);
  });

  it('spells no tuple as prefixItems: schemathesis 4.32 misreads it and leaves the operation unchecked (rules/graph.schema.ts bandBounds)', () => {
    expect(JSON.stringify(document)).not.toContain('prefixItems');
  });

  it('gives every operation a tag, a description naming its roles, x-roles, and a real schema and example for its success answer', () => {
    for (const { where, op } of operations) {
      expect(op.tags, where).toHaveLength(1);
      expect(document.tags.map((tag: any) => tag.name), where).toContain(op.tags[0]);
      expect(op.description, where).toMatch(/Who may call it: /);
      if (op.security?.length !== 0) expect(op['x-roles'], where).toContain('admin');
      const [status, success] = Object.entries(op.responses).find(([code]) => code.startsWith('2')) as [string, any];
      const content = success.content['application/json'];
      expect(content.schema, `${where} ${status}`).not.toEqual({ type: 'object' });
      expect(content.example, `${where} ${status}`).toBeDefined();
    }
  });

  it('has examples that the contract itself accepts', () => {
    for (const op of OPERATIONS) {
      expect(contractProblems(op.response, op.examples.response), op.operationId).toEqual([]);
      const body = op.body ?? (op.bodies && Object.values(op.bodies).find((schema) => schema.safeParse(op.examples.request).success));
      if (op.examples.request !== undefined && op.body) expect(op.body.safeParse(op.examples.request).error?.issues ?? [], op.operationId).toEqual([]);
      if (op.bodies) expect(body, op.operationId).toBeDefined();
    }
  });

  it('documents the errors each operation can answer, in the one error shape with its codes', () => {
    for (const { where, op } of operations) {
      const codes = Object.keys(op.responses);
      expect(codes, where).toContain('429');
      if (op.security?.length !== 0) expect(codes, where).toEqual(expect.arrayContaining(['401', '503']));
      if (op.parameters.length > 0 || op.requestBody) expect(codes, where).toContain('400');
      if (op.requestBody && !op.requestBody.description.includes('streamed')) expect(codes, where).toContain('413');
      if (op.parameters.some((p: any) => p.in === 'path')) expect(codes, where).toContain('404');
      for (const code of codes.filter((c) => /^[45]/.test(c))) {
        const answer = op.responses[code].$ref ? document.components.responses[op.responses[code].$ref.split('/').pop()] : op.responses[code];
        expect(answer.content['application/json'].schema, `${where} ${code}`).toEqual({ $ref: '#/components/schemas/Error' });
      }
    }
    expect(document.components.schemas.Error.properties.error.properties.code.enum).toEqual(Object.keys(ERROR_CODES));
  });

  it('says where a created or started resource is: a Location header and a link to the operation that reads it', () => {
    const created = operations.filter(({ op }) => op.responses['201'] || op.responses['202']);
    expect(created.length).toBeGreaterThan(5);
    const createModel = document.paths['/api/models'].post.responses['201'];
    expect(createModel.headers.Location).toBeDefined();
    expect(createModel.links.getModel).toEqual(expect.objectContaining({ operationId: 'getModel', parameters: { modelId: '$response.body#/modelId' } }));
    for (const op of OPERATIONS.filter((o) => o.location)) {
      const target = OPERATIONS.find((o) => o.operationId === op.location!.operationId);
      expect(target?.path, op.operationId).toBe(op.location!.path);
    }
  });

  it('states size limits: the 2 MB JSON body, the larger CSV uploads and list sizes', () => {
    expect(document.paths['/api/models'].post.requestBody.description).toMatch(/2mb/);
    expect(document.paths['/api/imports'].post.requestBody.description).toMatch(/20mb/);
    expect(document.paths['/api/events/batch'].post.requestBody.content['application/json'].schema.properties.events.maxItems).toBe(1000);
    expect(document.paths['/api/leads'].get.parameters.find((p: any) => p.name === 'pageSize').schema.maximum).toBe(200);
  });

  it('describes parameters and the fields of request bodies', () => {
    for (const { where, op } of operations) {
      for (const parameter of op.parameters) expect(parameter.description, `${where} ${parameter.name}`).toEqual(expect.any(String));
      const json = op.requestBody?.content['application/json']?.schema;
      for (const [name, field] of Object.entries<any>(json?.properties ?? {})) {
        expect(field.description ?? field.anyOf?.[0]?.description, `${where} body.${name}`).toEqual(expect.any(String));
      }
    }
  });
});

describe('rules that span fields', () => {
  // Ajv reads the request schemas as a client's generator would: JSON Schema 2020-12, with the
  // document's components to resolve references against.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const accepts = (route: string, method: string) => {
    const schema = document.paths[route][method].requestBody.content['application/json'].schema;
    return ajv.compile({ ...schema, components: document.components });
  };
  const soon = new Date(Date.now() - 60_000).toISOString();
  const cases: Array<[route: string, method: string, operationId: string, bodies: unknown[]]> = [
    ['/api/events', 'post', 'sendEvent', [
      { eventId: 'e1', leadId: 'l1', type: 'crm_outcome', properties: { outcome: 'won' }, occurredAt: soon },
      { eventId: 'e1', leadId: 'l1', type: 'crm_outcome', properties: {}, occurredAt: soon },
      { eventId: 'e1', leadId: 'l1', type: 'crm_outcome', occurredAt: soon },
      { eventId: 'e1', leadId: 'l1', type: 'page_view', occurredAt: soon },
    ]],
    ['/api/keys', 'post', 'createKey', [
      { name: 'a', role: 'sales', queues: ['q'] },
      { name: 'a', role: 'sales' },
      { name: 'a', role: 'ingest', queues: ['q'] },
      { name: 'a', role: 'ingest', owner: 'rep' },
      { name: 'a', role: 'ingest' },
    ]],
    ['/api/models', 'post', 'createModel', [
      { modelId: 'm', name: 'M', template: 'b2b-default' },
      { modelId: 'm', name: 'M', template: 'b2b-default', graph: {} },
    ]],
    ['/api/models/{modelId}/simulate', 'post', 'simulate', [
      { leadId: 'lead-1' },
      { events: [] },
      { events: [], leadId: 'lead-1' },
      {},
      { events: [{ type: 'crm_outcome', properties: {}, occurredAt: soon }] },
    ]],
  ];

  it.each(cases)('%s %s: the document refuses what the API refuses', (route, method, operationId, bodies) => {
    const validate = accepts(route, method);
    const op = OPERATIONS.find((o) => o.operationId === operationId)!;
    for (const body of bodies) expect(validate(body), JSON.stringify(body)).toBe(op.body!.safeParse(body).success);
  });
});

describe('the error codes', () => {
  it('list every code the API sources raise', () => {
    const raised = new Set<string>();
    for (const file of sources(path.resolve(__dirname, '..'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/HttpError\(\s*\d{3},\s*'([a-z_]+)'/g)) raised.add(match[1]!);
    }
    expect(raised.size).toBeGreaterThan(10);
    expect([...raised].filter((code) => !(code in ERROR_CODES))).toEqual([]);
  });
});

describe('holding an answer to its contract', () => {
  const op = OPERATIONS.find((o) => o.operationId === 'getLiveModel')!;
  const live = { modelId: 'default', name: 'B2B', version: 3, since: new Date('2026-01-05T09:00:00Z'), setBy: 'leadflow' };

  it('accepts the answer as a client reads it (dates as JSON strings)', () => {
    expect(contractProblems(op.response, live)).toEqual([]);
  });

  it('names a field the contract does not declare, and one it declares otherwise', () => {
    expect(contractProblems(op.response, { ...live, _id: 'x' })).toEqual(['_id: not in the contract']);
    expect(contractProblems(op.response, { ...live, version: '3' })).toEqual([expect.stringMatching(/^version: /)]);
  });
});

describe('allowedMethods', () => {
  const allowed = allowedMethods(
    [
      { method: 'get', path: '/things' },
      { method: 'post', path: '/things' },
      { method: 'delete', path: '/things/:id' },
      { method: 'get', path: '/things/current' },
    ],
    '/api',
  );

  it('names the methods a path answers, GET bringing HEAD', () => {
    expect(allowed('/api/things')).toEqual(['GET', 'HEAD', 'POST']);
    expect(allowed('/api/things/')).toEqual(['GET', 'HEAD', 'POST']);
    expect(allowed('/api/things/42')).toEqual(['DELETE']);
    // A literal segment and a parameter both match: both routes answer it.
    expect(allowed('/api/things/current')).toEqual(['DELETE', 'GET', 'HEAD']);
  });

  it('names none for a path nobody serves', () => {
    expect(allowed('/api/nothing')).toEqual([]);
    expect(allowed('/api/things/42/more')).toEqual([]);
    expect(allowed('/things')).toEqual([]);
  });
});

/** The API's TypeScript sources, tests left out. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [file] : [];
  });
}
