import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApiDocument } from './openapi';

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
    expect(Object.keys(responses)).toEqual(['202', '400', '409', 'default']);
    expect(responses['409']).toEqual({ description: 'The name is taken', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
    // What the client gets: a defaulted field is always there.
    expect(responses['202'].content['application/json'].schema).toMatchObject({ properties: { status: { enum: ['accepted', 'rejected'] } }, required: ['status', 'count'] });
    expect(Object.keys(document.paths['/api/things/{id}'].get.responses)).toEqual(['200', 'default']);
    expect((await new Validator().validate(document)).valid).toBe(true);
  });
});
