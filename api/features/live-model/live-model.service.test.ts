import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../db/audit.repository';
import type { LiveModelSetting } from '../../db/settings.repository';
import { HttpError } from '../../http/errors';
import { getLiveModel, setLiveModel, type LiveModelDeps } from './live-model.service';

/** Plain fakes: two models, one live; `broken` has a version that cannot score, `draft` none. */
function fakes() {
  const audit: Array<Omit<AuditEntry, 'at'>> = [];
  let live: LiveModelSetting | null = { modelId: 'first', since: new Date(0), setBy: 'leadflow' };
  const models: Record<string, { name: string }> = { first: { name: 'First' }, second: { name: 'Second' }, broken: { name: 'Broken' }, draft: { name: 'Draft only' } };
  const latest: Record<string, { version: number; name: string; problem?: string }> = { first: { version: 3, name: 'g' }, second: { version: 1, name: 'g' }, broken: { version: 2, name: 'g', problem: 'its graph no longer validates' } };
  const deps = {
    models: { get: async (id: string) => models[id] ?? null },
    versions: { latest: async (id: string) => latest[id] ?? null },
    audit: { record: async (entry: Omit<AuditEntry, 'at'>) => void audit.push(entry) },
    settings: {
      liveModel: async () => live,
      setLiveModel: async (modelId: string, actor: string) => {
        const before = live;
        live = { modelId, since: new Date(1), setBy: actor };
        return before;
      },
    },
  } as unknown as LiveModelDeps;
  return { deps, audit, live: () => live };
}

const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (err: unknown) => err as HttpError);

describe('the live model service', () => {
  it('switches to a model with a usable published version and audits who did it', async () => {
    const { deps, audit } = fakes();
    expect(await setLiveModel(deps, 'second', 'maria')).toMatchObject({ modelId: 'second', name: 'Second', version: 1, setBy: 'maria' });
    expect(audit).toEqual([{ actor: 'maria', action: 'live_model.changed', modelId: 'second', version: 1, note: 'was first' }]);
    expect(await getLiveModel(deps)).toMatchObject({ modelId: 'second' });
  });

  it('audits nothing when the model is live already', async () => {
    const { deps, audit } = fakes();
    await setLiveModel(deps, 'first', 'maria');
    expect(audit).toEqual([]);
  });

  it.each([
    ['nobody', 404],
    ['draft', 409],
    ['broken', 422],
  ])('refuses %s with %i and changes nothing', async (modelId, status) => {
    const { deps, audit, live } = fakes();
    expect(await refusal(setLiveModel(deps, modelId, 'maria'))).toMatchObject({ status });
    expect(live()?.modelId).toBe('first');
    expect(audit).toEqual([]);
  });
});
