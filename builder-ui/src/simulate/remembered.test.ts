// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { rememberedSimulation, rememberSimulation, type RememberedSimulation } from './remembered';

const SIMULATION: RememberedSimulation = {
  mode: 'sample',
  sample: { attributes: [{ attribute: 'seniority', value: 'vp' }], events: [{ type: 'page_view', at: '2026-11-01T10:00', properties: 'url=/pricing' }], thenDays: '10' },
  leadId: '',
};

beforeEach(() => sessionStorage.clear());

describe('the remembered simulation', () => {
  it('comes back for the same model, and only for it', () => {
    rememberSimulation('b2b', SIMULATION);
    expect(rememberedSimulation('b2b')).toEqual(SIMULATION);
    expect(rememberedSimulation('other')).toBeNull();
  });

  it('is ignored when the storage holds something else', () => {
    sessionStorage.setItem('leadflow:simulate:b2b', '{not json');
    expect(rememberedSimulation('b2b')).toBeNull();
    sessionStorage.setItem('leadflow:simulate:b2b', JSON.stringify({ ...SIMULATION, sample: { ...SIMULATION.sample, events: [{ type: 'telegram', at: '', properties: '' }] } }));
    expect(rememberedSimulation('b2b')).toBeNull();
    sessionStorage.setItem('leadflow:simulate:b2b', JSON.stringify({ ...SIMULATION, mode: 'other' }));
    expect(rememberedSimulation('b2b')).toBeNull();
  });
});
