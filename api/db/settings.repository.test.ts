import { describe, expect, it } from 'vitest';
import { cachedLiveModelId, type LiveModelSetting } from './settings.repository';

describe('cachedLiveModelId', () => {
  it('reads the live model at most once per period, again after forget, and throws while none is set', async () => {
    let reads = 0;
    let live: LiveModelSetting | null = null;
    const liveModelId = cachedLiveModelId({ liveModel: async () => (reads++, live) }, 60_000);
    await expect(liveModelId()).rejects.toThrow('no live model is set yet');
    live = { modelId: 'a', since: new Date(0), setBy: 'leadflow' };
    // A failed read is not kept.
    expect(await liveModelId()).toBe('a');
    live = { modelId: 'b', since: new Date(0), setBy: 'maria' };
    expect(await liveModelId()).toBe('a');
    liveModelId.forget();
    expect(await liveModelId()).toBe('b');
    expect(reads).toBe(3);
  });
});
