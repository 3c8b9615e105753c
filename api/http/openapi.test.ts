import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { allowedMethods, buildOpenApiDocument } from './openapi';

describe('the OpenAPI document', () => {
  const document = buildOpenApiDocument(
    [
      {
        method: 'post',
        path: '/things',
        status: 202,
        body: z.object({ name: z.string() }),
        response: z.object({ status: z.enum(['accepted', 'rejected']), count: z.number().int().default(0) }),
        errors: { 400: 'A field is invalid', 409: 'The name is taken' },
      },
      { method: 'get', path: '/things/:id', params: z.object({ id: z.string() }) },
    ],
    '/api',
    { title: 't', version: '1', description: 'd' },
  ) as any;

  it('declares each route’s documented errors in the one error shape, beside the success answer', async () => {
    const responses = document.paths['/api/things'].post.responses;
    expect(Object.keys(responses)).toEqual(['202', '400', '409', '429', '503', 'default']);
    expect(responses['503']).toEqual({ $ref: '#/components/responses/Unavailable' });
    expect(responses['409']).toEqual({ description: 'The name is taken', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
    // What the client gets: a defaulted field is always there.
    expect(responses['202'].content['application/json'].schema).toMatchObject({ properties: { status: { enum: ['accepted', 'rejected'] } }, required: ['status', 'count'] });
    expect(Object.keys(document.paths['/api/things/{id}'].get.responses)).toEqual(['200', '429', '503', 'default']);
    expect((await new Validator().validate(document)).valid).toBe(true);
  });

  it('marks a body optional exactly when the API takes a missing body as an empty one', () => {
    const built = buildOpenApiDocument(
      [
        { method: 'post', path: '/runs', body: z.strictObject({ version: z.number().optional() }) },
        { method: 'post', path: '/things', body: z.object({ name: z.string() }) },
      ],
      '/api',
      { title: 't', version: '1', description: 'd' },
    ) as any;
    expect(built.paths['/api/runs'].post.requestBody.required).toBe(false);
    expect(built.paths['/api/things'].post.requestBody.required).toBe(true);
  });

  it('documents a body per media type for a route that takes more than one', async () => {
    const built = buildOpenApiDocument(
      [{ method: 'post', path: '/calibrations', bodies: { 'text/csv': z.string().min(1), 'application/json': z.strictObject({ source: z.literal('leadflow'), from: z.iso.date() }) } }],
      '/api',
      { title: 't', version: '1', description: 'd' },
    ) as any;
    const { requestBody } = built.paths['/api/calibrations'].post;
    expect(requestBody.required).toBe(true);
    expect(requestBody.content['text/csv'].schema).toMatchObject({ type: 'string', minLength: 1 });
    expect(requestBody.content['application/json'].schema).toMatchObject({ properties: { source: { const: 'leadflow' } }, required: ['source', 'from'] });
    expect((await new Validator().validate(built)).valid).toBe(true);
  });
});

describe('answers every route may give', () => {
  const built = buildOpenApiDocument(
    [
      { method: 'get', path: '/health', public: true },
      { method: 'get', path: '/jobs/:id', errors: { 503: 'No worker answered' } },
    ],
    '/api',
    { title: 't', version: '1', description: 'd' },
  ) as any;

  it('are 429 (failed keys) for all, 503 (a service down) for routes behind a key, merged with their own 503', () => {
    expect(Object.keys(built.paths['/api/health'].get.responses)).toEqual(['200', '429', 'default']);
    const job = built.paths['/api/jobs/{id}'].get.responses['503'];
    expect(job.description).toBe('No worker answered; or the database or Temporal does not answer');
    expect(job.headers['Retry-After'].schema).toEqual({ type: 'integer', minimum: 1 });
    expect(built.components.responses.Unavailable.headers).toHaveProperty('Retry-After');
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
