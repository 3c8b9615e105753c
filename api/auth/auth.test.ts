import { describe, expect, it } from 'vitest';
import { generateKey, parseKey, sameHash } from './api-keys';
import { PERMISSIONS } from '../contracts';
import { allows } from './permissions';
import { canSeeHandoff, canSeeLead, scopeLeadFilter } from './sales-scope';
import type { Caller } from './roles';

describe('API keys', () => {
  it('are recognised by their id and secret hash, and a changed secret is not', () => {
    const { keyId, key, secretHash } = generateKey();
    const parsed = parseKey(key);
    expect(parsed?.keyId).toBe(keyId);
    expect(sameHash(parsed?.secretHash as string, secretHash)).toBe(true);
    const tampered = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    expect(sameHash(parseKey(tampered)?.secretHash as string, secretHash)).toBe(false);
  });

  it('refuse anything not shaped like a key, so no lookup is made for it', () => {
    for (const junk of ['', 'lf_', 'Bearer x', `lf_${'a'.repeat(12)}_short`, `lf_ABCDEFGHIJKL_${'x'.repeat(43)}`, '{"$ne":null}']) {
      expect(parseKey(junk)).toBeUndefined();
    }
  });

  it('are different every time', () => {
    expect(new Set(Array.from({ length: 50 }, () => generateKey().key)).size).toBe(50);
  });
});

describe('permissions', () => {
  it('let admin call every route, and nobody call a route nobody decided on', () => {
    expect(allows('admin', 'POST', '/nowhere')).toBe(true);
    for (const role of ['marketing', 'reviewer', 'sales', 'ingest'] as const) expect(allows(role, 'POST', '/nowhere')).toBe(false);
  });

  it('give each role its own work only', () => {
    expect(allows('ingest', 'POST', '/events')).toBe(true);
    expect(allows('sales', 'POST', '/events')).toBe(false);
    expect(allows('marketing', 'POST', '/models/:modelId/publish')).toBe(true);
    expect(allows('reviewer', 'POST', '/models/:modelId/publish')).toBe(false);
    expect(allows('reviewer', 'PUT', '/reviews/thresholds')).toBe(true);
    expect(allows('sales', 'POST', '/handoffs/:handoffId/reject')).toBe(true);
    expect(allows('marketing', 'POST', '/handoffs/:handoffId/reject')).toBe(false);
    expect(allows('marketing', 'POST', '/keys')).toBe(false);
  });

  it('name routes by method and path only', () => {
    for (const route of Object.keys(PERMISSIONS)) expect(route).toMatch(/^(GET|POST|PUT|DELETE) \/[A-Za-z0-9/:_-]*$/);
  });
});

describe('a sales key', () => {
  const team: Caller = { keyId: 'k1', name: 'EMEA team', role: 'sales', queues: ['emea', 'emea-escalations'] };
  const rep: Caller = { ...team, name: 'Ana', owner: 'ana' };

  it('sees its queues only, and a rep sees their handoffs and unassigned ones', () => {
    expect(canSeeHandoff(team, { queue: 'emea', owner: 'bo' })).toBe(true);
    expect(canSeeHandoff(team, { queue: 'us' })).toBe(false);
    expect(canSeeHandoff(rep, { queue: 'emea', owner: 'ana' })).toBe(true);
    expect(canSeeHandoff(rep, { queue: 'emea' })).toBe(true);
    expect(canSeeHandoff(rep, { queue: 'emea', owner: 'bo' })).toBe(false);
  });

  it('sees no lead that was never handed to it', () => {
    expect(canSeeLead(team, { handoff: null })).toBe(false);
    expect(canSeeLead({ keyId: 'k2', name: 'm', role: 'marketing' }, { handoff: null })).toBe(true);
  });

  it('searches within its queues whatever filter it sends', () => {
    expect(scopeLeadFilter(rep, { stage: 'mql', queues: ['us'] })).toEqual({ stage: 'mql', queues: ['emea', 'emea-escalations'], assignee: 'ana' });
    expect(scopeLeadFilter({ keyId: 'k3', name: 'r', role: 'reviewer' }, { stage: 'mql' })).toEqual({ stage: 'mql' });
  });
});
