import { generateKey, parseKey } from '../../auth/api-keys';
import type { Role } from '../../contracts/roles';
import type { WorkedQueue } from '../../contracts/keys.contract';
import type { ApiKeyRepository, ApiKeyView } from '../../db/api-keys.repository';

export interface KeyRequest {
  name: string;
  role: Role;
  queues?: string[];
  owner?: string;
}

/** Creates a key; the returned `key` is the only time anyone sees its secret. */
export async function createKey(keys: ApiKeyRepository, request: KeyRequest, createdBy: string): Promise<ApiKeyView & { key: string }> {
  const { keyId, key, secretHash } = generateKey();
  const record = { keyId, secretHash, ...request, createdAt: new Date(), createdBy };
  await keys.insert(record);
  const { secretHash: _hash, ...view } = record;
  return { ...view, key };
}

/**
 * Makes sure someone can administer LeadFlow. A key given in LEADFLOW_ADMIN_KEY (provisioned by
 * a secret store) is registered as admin; otherwise, when no admin key exists yet, one is made
 * and returned so that the first start can print it once.
 */
export async function ensureAdminKey(keys: ApiKeyRepository, provided: string | undefined): Promise<string | undefined> {
  if (provided !== undefined) {
    const parsed = parseKey(provided);
    if (!parsed) throw new Error('LEADFLOW_ADMIN_KEY is not an API key (lf_<12 characters>_<43 characters>)');
    const existing = await keys.findActive(parsed.keyId);
    if (!existing) {
      await keys.insert({ keyId: parsed.keyId, secretHash: parsed.secretHash, name: 'admin (LEADFLOW_ADMIN_KEY)', role: 'admin', createdAt: new Date(), createdBy: 'leadflow' });
    }
    return undefined;
  }
  if ((await keys.countActiveAdmins()) > 0) return undefined;
  return (await createKey(keys, { name: 'admin (first start)', role: 'admin' }, 'leadflow')).key;
}

/** The queues active sales keys work, each with how many keys work it, by queue id. */
export async function workedQueues(keys: Pick<ApiKeyRepository, 'list'>): Promise<WorkedQueue[]> {
  const counts = new Map<string, number>();
  for (const key of await keys.list()) {
    if (key.role !== 'sales' || key.revokedAt) continue;
    for (const queue of new Set(key.queues ?? [])) counts.set(queue, (counts.get(queue) ?? 0) + 1);
  }
  return [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([queue, n]) => ({ queue, keys: n }));
}
