import { describe, expect, it } from 'vitest';
import type { CompiledModel } from '../engine/types';
import { createLeadActivities, type LeadActivityDeps, type ModelState } from './lead.activities';

/** The activities over a live model state; each published version's compiled model names its model. */
function activities(state: ModelState) {
  const deps = {
    modelState: async () => state,
    modelVersion: async (modelId: string, version: number) => ({ version, compiled: { modelId } as unknown as CompiledModel }),
    listening: async () => false,
  } as unknown as LeadActivityDeps;
  return createLeadActivities(deps);
}

describe('modelNews', () => {
  it('sends the compiled model of another live model though the workflow has a version of the same number', async () => {
    const news = await activities({ modelId: 'b', latest: 1 }).modelNews({ modelId: 'a', version: 1, rescoredUnder: null });
    expect(news).toEqual({ modelId: 'b', version: 1, compiled: { modelId: 'b' }, listening: false });
  });

  it('sends nothing to compile when the workflow has the live version of the live model', async () => {
    expect(await activities({ modelId: 'b', latest: 2 }).modelNews({ modelId: 'b', version: 2, rescoredUnder: null })).toEqual({ modelId: 'b', version: 2, listening: false });
  });

  it('sends the compiled model once to a workflow that names no model (it ran before the live model could change)', async () => {
    expect(await activities({ modelId: 'a', latest: 1 }).modelNews({ version: 1, rescoredUnder: null })).toEqual({ modelId: 'a', version: 1, compiled: { modelId: 'a' }, listening: false });
  });

  it('asks for a rescoring under a version of the same number of another model; one done before the live model could change counts as the live one', async () => {
    const live = activities({ modelId: 'b', latest: 1, rescore: 1 });
    expect((await live.modelNews({ modelId: 'b', version: 1, rescoredUnder: 1, rescoredIn: 'a' })).rescore).toEqual({ version: 1 });
    expect((await live.modelNews({ modelId: 'b', version: 1, rescoredUnder: 1, rescoredIn: 'b' })).rescore).toBeUndefined();
    expect((await live.modelNews({ modelId: 'b', version: 1, rescoredUnder: 1 })).rescore).toBeUndefined();
  });
});

describe('writeProjection', () => {
  const write = { snapshot: { leadId: 'lead-1' }, ledgerFrom: 0, ledger: [], handoffs: [] } as never;

  it('writes the read side and says whether anyone listens, the worker’s own receiver included', async () => {
    const written: unknown[] = [];
    const deps = { writeProjection: async (w: unknown) => void written.push(w), listening: async () => true } as unknown as LeadActivityDeps;
    expect(await createLeadActivities(deps).writeProjection(write)).toEqual({ listening: true });
    expect(written).toEqual([write]);
  });

  it('stands when the receivers cannot be read: it answers nothing about them instead of failing the write', async () => {
    const written: unknown[] = [];
    const deps = { writeProjection: async (w: unknown) => void written.push(w), listening: async () => Promise.reject(new Error('database unavailable')) } as unknown as LeadActivityDeps;
    expect(await createLeadActivities(deps).writeProjection(write)).toEqual({});
    expect(written).toEqual([write]);
  });
});
