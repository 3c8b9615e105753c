import { describe, expect, it } from 'vitest';
import { attributeValue, exampleLead, fromLocalInput, localInput, nextEvent, parseProperties, toRequest, type SampleLead } from './sample-lead';

describe('a sample lead for the simulator', () => {
  it('reads event properties written as name=value pairs', () => {
    expect(parseProperties('url=/pricing; referrer = google\nform=demo_request')).toEqual({ ok: true, value: { url: '/pricing', referrer: 'google', form: 'demo_request' } });
    expect(parseProperties('  ')).toEqual({ ok: true, value: {} });
    expect(parseProperties('url=/a=b')).toEqual({ ok: true, value: { url: '/a=b' } });
    expect(parseProperties('pricing')).toEqual({ ok: false, message: '"pricing" is not name=value' });
    expect(parseProperties('page url=/x')).toMatchObject({ ok: false, message: expect.stringContaining('"page url" is not a property name') });
  });

  it('types attribute values as the catalogue does', () => {
    expect(attributeValue('companySize', ' 250 ')).toEqual({ ok: true, value: 250 });
    expect(attributeValue('companySize', 'many')).toEqual({ ok: false, message: 'companySize takes a number' });
    expect(attributeValue('isCustomer', 'true')).toEqual({ ok: true, value: true });
    expect(attributeValue('isCustomer', 'yes')).toEqual({ ok: false, message: 'isCustomer takes true or false' });
    expect(attributeValue('seniority', 'vp')).toEqual({ ok: true, value: 'vp' });
  });

  it('becomes a simulation request: attributes, events in UTC, and the time to let pass', () => {
    const sample: SampleLead = {
      attributes: [
        { attribute: 'seniority', value: 'vp' },
        { attribute: 'companySize', value: '300' },
      ],
      events: [
        { type: 'page_view', at: '2026-11-01T10:00', properties: 'url=/pricing' },
        { type: 'form_submit', at: '2026-11-01T11:30', properties: 'form=demo_request' },
      ],
      thenDays: '60',
    };
    const built = toRequest(sample);
    const last = new Date('2026-11-01T11:30').getTime();
    expect(built).toEqual({
      ok: true,
      request: {
        attributes: { seniority: 'vp', companySize: 300 },
        events: [
          { type: 'page_view', properties: { url: '/pricing' }, occurredAt: new Date('2026-11-01T10:00').toISOString() },
          { type: 'form_submit', properties: { form: 'demo_request' }, occurredAt: new Date('2026-11-01T11:30').toISOString() },
        ],
        until: new Date(last + 60 * 86_400_000).toISOString(),
      },
    });
  });

  it('names every field that is wrong, and sends nothing', () => {
    const built = toRequest({
      attributes: [{ attribute: 'companySize', value: 'big' }],
      events: [{ type: 'page_view', at: '', properties: 'oops' }],
      thenDays: '-3',
    });
    expect(built).toEqual({
      ok: false,
      problems: { 'attributes.0': 'companySize takes a number', 'events.0.at': 'choose when it happened', 'events.0.properties': '"oops" is not name=value', thenDays: 'a number of days from 1 to 365' },
    });
    expect(toRequest({ attributes: [], events: [], thenDays: '' })).toEqual({ ok: false, problems: { events: 'add at least one event' } });
  });

  it('starts from a pricing visit and a demo request, and adds events an hour apart', () => {
    const now = new Date(2026, 10, 1, 12, 0);
    const example = exampleLead(now);
    expect(example.events.map((e) => [e.type, e.at, e.properties])).toEqual([
      ['page_view', '2026-11-01T10:00', 'url=/pricing'],
      ['form_submit', '2026-11-01T11:00', 'form=demo_request'],
    ]);
    expect(nextEvent(example.events, now)).toEqual({ type: 'form_submit', at: '2026-11-01T12:00', properties: '' });
    expect(nextEvent([], now).at).toBe(localInput(now));
    expect(fromLocalInput('2026-11-01T10:00')).toBe(new Date(2026, 10, 1, 10, 0).getTime());
    expect(fromLocalInput('yesterday')).toBeUndefined();
  });
});
