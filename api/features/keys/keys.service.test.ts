import { describe, expect, it } from 'vitest';
import type { ApiKeyView } from '../../db/api-keys.repository';
import { workedQueues } from './keys.service';

const key = (keyId: string, role: ApiKeyView['role'], queues?: string[], revoked = false): ApiKeyView =>
  ({ keyId, name: keyId, role, ...(queues && { queues }), createdAt: new Date('2026-01-01T00:00:00Z'), createdBy: 'admin', ...(revoked && { revokedAt: new Date('2026-02-01T00:00:00Z') }) }) as ApiKeyView;

describe('the queues sales works', () => {
  it('counts the active sales keys per queue, by queue id; revoked keys and other roles work nothing', async () => {
    const keys = [key('a', 'sales', ['inbound', 'emea', 'inbound']), key('b', 'sales', ['emea']), key('c', 'sales', ['apac'], true), key('d', 'marketing')];
    expect(await workedQueues({ list: async () => keys })).toEqual([
      { queue: 'emea', keys: 2 },
      { queue: 'inbound', keys: 1 },
    ]);
  });
});
