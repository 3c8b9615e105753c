// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mulberry32 } from '../../../engine/calibration/split';
import { calibrateHistory } from '../../../rules/calibration/calibrate-history';
import { App } from '../app';
import { KEY_STORAGE } from '../shell/session';
import type { Calibration, CalibrationResult, CalibrationSettings } from '../api/client';

/** 1,200 past leads: source and minutes drive conversion; "Tags" is written after the sales call. */
function pastLeads(): Array<Record<string, string>> {
  const random = mulberry32(3);
  return Array.from({ length: 1200 }, (_, i) => {
    const source = ['Web', 'Partner', 'Event'][i % 3]!;
    const minutes = Math.round(random() * 30);
    const won = random() < 1 / (1 + Math.exp(-({ Web: -0.5, Partner: 1.1, Event: 0.2 }[source]! + (minutes - 15) * 0.12)));
    const tags = won ? (random() < 0.95 ? 'Will enrol' : 'Call back') : random() < 0.9 ? 'Not interested' : 'Call back';
    return { 'Lead Source': source, Minutes: String(minutes), Tags: tags, Converted: won ? '1' : '0' };
  });
}

const SETTINGS: CalibrationSettings = { outcome: 'Converted', positive: [], seed: 42, target: 0.8, holdout: 0.3, exclude: [], include: [], mapping: [] };

/** A real report of the pipeline on pastLeads(), as the API gives it. */
async function reportOf(): Promise<CalibrationResult> {
  const { model: _compiled, ...report } = await calibrateHistory(pastLeads(), { outcome: 'Converted', target: 0.8 });
  return report;
}

function calibration(over: Partial<Calibration>): Calibration {
  return {
    calibrationId: 'c1',
    status: 'running',
    createdBy: 'Mia',
    createdAt: '2026-03-01T10:00:00Z',
    file: { sha256: 'abc', bytes: 1000, rows: 1200, columns: ['Lead Source', 'Minutes', 'Tags', 'Converted'], delimiter: ';', problems: [], moreProblems: 0 },
    settings: SETTINGS,
    progress: { step: 'fit', percent: 40, message: 'Newton iteration 3' },
    drafts: [],
    ...over,
  };
}

type Reply = { status?: number; body: unknown };
interface Call {
  method: string;
  url: string;
  body: string | undefined;
  contentType: string | undefined;
}

/** Stands in for the API: per "METHOD path", a reply or a list of replies given in turn (the last repeats). */
function serve(routes: Record<string, Reply | Reply[]>) {
  const calls: Call[] = [];
  const served = new Map<string, number>();
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      const headers = (init.headers ?? {}) as Record<string, string>;
      calls.push({ method, url, body: init.body as string | undefined, contentType: headers['content-type'] });
      const key = `${method} ${url.split('?')[0]}`;
      const route = routes[key];
      const n = served.get(key) ?? 0;
      served.set(key, n + 1);
      const reply = Array.isArray(route) ? route[Math.min(n, route.length - 1)] : route;
      const found = reply ?? { status: 404, body: { error: { status: 404, code: 'not_found', message: `No route for ${key}` } } };
      return new Response(JSON.stringify(found.body), { status: found.status ?? 200 });
    }),
  );
  return calls;
}

const ME = { 'GET /api/me': { body: { name: 'Mia', role: 'marketing' } } };

beforeEach(() => {
  localStorage.clear();
  localStorage.setItem(KEY_STORAGE, 'lf_mia');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.location.hash = '';
});

describe('a calibration from LeadFlow’s own history', () => {
  it('shows where its leads came from and the proposal beside the live version, on the same held-out leads', async () => {
    const first = await calibrateHistory(pastLeads(), { outcome: 'Converted', target: 0.8 });
    // The live version here is the first proposal itself: its side must read as the recommendation's figures.
    const { model: _compiled, ...report } = await calibrateHistory(pastLeads(), { outcome: 'Converted', target: 0.8, compare: { model: first.model, name: 'b2b version 3' } });
    const source = { kind: 'leadflow' as const, from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z', modelId: 'b2b', version: 3, leads: 1250, converted: 480, notConverted: 720, unknown: 50 };
    serve({ ...ME, 'GET /api/calibrations/c1': { body: calibration({ status: 'done', source, report }) } });
    window.location.hash = '#/calibration/c1';
    render(<App />);
    // The screen is loaded lazily; on a busy machine that takes more than the default second.
    const section = await screen.findByTestId('calibration-comparison', {}, { timeout: 5000 });
    expect(within(section).getByTestId('comparison-source').textContent).toContain('1,250 leads first seen from 2026-01-01 to before 2026-04-01; 480 converted');
    expect(within(section).getByTestId('comparison-source').textContent).toContain('50 have no answer yet');
    expect(within(section).getByText('Live: b2b version 3')).toBeTruthy();
    for (const row of ['auc', 'sent', 'precision', 'recall']) {
      expect(within(section).getByTestId(`comparison-live-${row}`).textContent).toBe(within(section).getByTestId(`comparison-proposal-${row}`).textContent);
    }
    expect(within(section).getByTestId('comparison-proposal-sent').textContent).toBe(`${report.recommendation.sent} (${(report.recommendation.share * 100).toFixed(1)} %)`);
  });

  it('shows no comparison for an uploaded export', async () => {
    serve({ ...ME, 'GET /api/calibrations/c1': { body: calibration({ status: 'done', report: await reportOf() }) } });
    window.location.hash = '#/calibration/c1';
    render(<App />);
    await screen.findByTestId('calibration-report', {}, { timeout: 5000 });
    expect(screen.queryByTestId('calibration-comparison')).toBeNull();
  });
});

describe('the calibration screen', () => {
  it('reads the header in the browser, offers its columns for the outcome, and uploads the file as text/csv with the options', async () => {
    const calls = serve({ ...ME, 'POST /api/calibrations': { status: 202, body: { ...calibration({ status: 'queued' }), progress: '/api/calibrations/c1' } }, 'GET /api/calibrations/c1': { body: calibration({}) } });
    window.location.hash = '#/calibration';
    render(<App />);
    const user = userEvent.setup();
    expect((await screen.findByTestId('nav-calibration')).getAttribute('aria-current')).toBe('page');
    expect(((await screen.findByTestId('calibration-run')) as HTMLButtonElement).disabled).toBe(true);

    const csv = '\uFEFFLead Source;"Minutes; on site";Tags;Converted;Tags\r\nWeb;3,5;x;1;y\r\nEvent;1;z;0;w\r\n';
    await user.upload(screen.getByTestId('calibration-file'), new File([csv], 'past-leads.csv', { type: 'text/csv' }));
    expect((await screen.findByTestId('calibration-file-info')).textContent).toBe('past-leads.csv: 5 columns, semicolon between fields');
    const outcome = screen.getByTestId('calibration-outcome') as HTMLSelectElement;
    expect([...outcome.options].map((o) => o.value)).toEqual(['', 'Lead Source', 'Minutes; on site', 'Tags', 'Converted', 'Tags (2)']);
    expect(outcome.value).toBe('Converted');

    await user.clear(screen.getByTestId('calibration-target'));
    await user.type(screen.getByTestId('calibration-target'), '75');
    await user.click(screen.getByTestId('calibration-run'));
    await waitFor(() => expect(window.location.hash).toBe('#/calibration/c1'));
    const upload = calls.find((call) => call.method === 'POST')!;
    expect(upload.url).toBe('/api/calibrations?outcome=Converted&seed=42&target=0.75&holdout=0.3');
    expect(upload).toMatchObject({ body: csv, contentType: 'text/csv' });
    expect(await screen.findByTestId('calibration-progress')).toBeTruthy();
  });

  it('says why an upload was refused', async () => {
    serve({
      ...ME,
      'POST /api/calibrations': { status: 400, body: { error: { status: 400, code: 'invalid_request', message: 'Invalid request', fields: [{ path: 'query.outcome', message: 'every lead has the same outcome' }] } } },
    });
    window.location.hash = '#/calibration';
    render(<App />);
    const user = userEvent.setup();
    await user.upload(await screen.findByTestId('calibration-file'), new File(['A,Won\nx,1\n'], 'a.csv'));
    await screen.findByTestId('calibration-file-info');
    await user.click(screen.getByTestId('calibration-run'));
    expect((await screen.findByTestId('calibration-error')).textContent).toContain('query.outcome: every lead has the same outcome');
    expect(window.location.hash).toBe('#/calibration');
  });

  it('shows progress until the report, then leakage, mapping, close rates, both backtests and the threshold; re-runs on changed choices', async () => {
    const report = await reportOf();
    expect(report.leakage.flagged).toEqual(['Tags']);
    const calls = serve({
      ...ME,
      'GET /api/calibrations/c1': [{ body: calibration({}) }, { body: calibration({ status: 'done', progress: { step: 'done', percent: 100, message: 'done' }, report }) }],
      'POST /api/calibrations/c1/rerun': { status: 202, body: { ...calibration({ calibrationId: 'c2', status: 'queued', rerunOf: 'c1' }), progress: '/api/calibrations/c2' } },
      'GET /api/calibrations/c2': { body: calibration({ calibrationId: 'c2' }) },
    });
    window.location.hash = '#/calibration/c1';
    render(<App />);
    const user = userEvent.setup();
    expect((await screen.findByTestId('calibration-progress')).getAttribute('value')).toBe('40');
    expect(screen.getByTestId('calibration-progress-message').textContent).toBe('Newton iteration 3');

    await screen.findByTestId('calibration-report', {}, { timeout: 3000 });
    expect(screen.getByTestId('leakage-tags').dataset.flagged).toBe('true');
    expect(screen.getByTestId('leakage-tags').textContent).toMatch(/information value|AUC|decide the outcome/);
    const keepOut = screen.getByTestId('leakage-toggle-tags') as HTMLInputElement;
    expect(keepOut.checked).toBe(true);
    expect(screen.getByTestId('mapping-lead-source').dataset.fact).toBe('lead.leadSource');
    expect((screen.getByTestId('mapping-exclude-tags') as HTMLInputElement).checked).toBe(true);
    expect(screen.getByTestId('close-rates-overall').textContent).toBe(`${(report.overallRate * 100).toFixed(1)} %`);
    expect(within(screen.getByTestId('close-rates-table')).getAllByRole('row')).toHaveLength(1 + report.closeRates.columns[0]!.levels.length);
    expect(screen.getByTestId('auc-points').textContent).toBe(report.points.auc.toFixed(3));
    expect(screen.getByTestId('auc-predictive').textContent).toBe(report.predictive.auc.toFixed(3));
    expect(screen.getByTestId('bands-predictive').dataset.bands).toBe(String(report.predictive.bands.length));
    expect(screen.getByTestId('recommended-threshold').textContent).toBe(String(report.recommendation.threshold));
    expect(screen.getByTestId('recommended-sent').textContent).toContain(`of ${report.holdout}`);
    expect(screen.getByTestId('recommendation-why').textContent).toBe(report.recommendation.why);
    expect(within(screen.getByTestId('recommendation-curve')).getAllByRole('row')).toHaveLength(1 + (report.recommendation.score === report.points.score ? report.points : report.predictive).curve.length);

    // Nothing changed yet: nothing to re-run. A bad attribute name holds the re-run back.
    const rerun = screen.getByTestId('calibration-rerun') as HTMLButtonElement;
    expect(rerun.disabled).toBe(true);
    await user.type(screen.getByTestId('mapping-attribute-lead-source'), 'Bad name');
    expect(rerun.disabled).toBe(true);
    expect(screen.getByTestId('mapping-lead-source').textContent).toContain('start with a lower-case letter');
    await user.clear(screen.getByTestId('mapping-attribute-lead-source'));
    await user.type(screen.getByTestId('mapping-attribute-lead-source'), 'channel');
    await user.click(keepOut);
    await user.click(screen.getByTestId('mapping-exclude-minutes'));
    expect(rerun.disabled).toBe(false);
    await user.click(rerun);
    await waitFor(() => expect(window.location.hash).toBe('#/calibration/c2'));
    const sent = calls.find((call) => call.url === '/api/calibrations/c1/rerun')!;
    expect(JSON.parse(sent.body!)).toEqual({ exclude: ['Minutes'], include: ['Tags'], mapping: [{ column: 'Lead Source', attribute: 'channel' }], target: 0.8 });
  });

  it('saves the proposal as a new model and opens it in the editor; a taken id is said so', async () => {
    const report = await reportOf();
    const done = calibration({ status: 'done', progress: { step: 'done', percent: 100, message: 'done' }, report });
    const calls = serve({
      ...ME,
      'GET /api/calibrations/c1': { body: done },
      'POST /api/calibrations/c1/draft': [
        { status: 409, body: { error: { status: 409, code: 'conflict', message: 'A model with the id taken exists already' } } },
        { status: 201, body: { modelId: 'calibrated', revision: 0, created: true } },
      ],
    });
    window.location.hash = '#/calibration/c1';
    render(<App />);
    const user = userEvent.setup();
    const id = (await screen.findByTestId('draft-model-id')) as HTMLInputElement;
    await user.clear(screen.getByTestId('draft-name'));
    await user.type(screen.getByTestId('draft-name'), 'Taken');
    expect(id.value).toBe('taken');
    await user.click(screen.getByTestId('draft-save'));
    expect((await screen.findByTestId('draft-error')).textContent).toBe('A model with the id taken exists already');

    await user.clear(id);
    await user.type(id, 'calibrated');
    await user.click(screen.getByTestId('draft-save'));
    await waitFor(() => expect(window.location.hash).toBe('#/models/calibrated'));
    const saves = calls.filter((call) => call.url === '/api/calibrations/c1/draft').map((call) => JSON.parse(call.body!));
    expect(saves).toEqual([
      { modelId: 'taken', name: 'Taken' },
      { modelId: 'calibrated', name: 'Taken' },
    ]);
  });

  it('explains its figures in plain words, and warns when the proposal routes to a queue no sales key works', async () => {
    const report = await reportOf();
    serve({ ...ME, 'GET /api/calibrations/c1': { body: calibration({ status: 'done', report }) }, 'GET /api/queues': { body: { queues: [{ queue: 'inbound-sales', keys: 2 }] } } });
    window.location.hash = '#/calibration/c1';
    render(<App />);
    const warning = await screen.findByTestId('calibration-queue-warning', {}, { timeout: 5000 });
    expect(warning.textContent).toContain('no sales key works: “sales” (its handoffs)');
    expect(warning.textContent).toContain('route them to a queue sales works (inbound-sales)');
    const glossary = screen.getByTestId('calibration-glossary');
    expect(within(glossary).getByTestId('glossary-auc').textContent).toContain(`AUC ${report.predictive.auc.toFixed(2)}: given one lead that converted and one that did not`);
    expect(within(glossary).getByTestId('glossary-iterations').textContent).toContain(`${report.fit.iterations} Newton iteration`);
    expect(within(glossary).getByTestId('glossary-iv').textContent).toContain('(information value)');
    expect(within(glossary).getByTestId('glossary-log-odds').textContent).toContain('× ');
    expect(screen.getByTestId('auc-points-words').textContent).toContain(`${Math.round(report.points.auc * 100)} % of the time`);
  });

  it('says nothing about queues when sales works the proposal’s', async () => {
    serve({ ...ME, 'GET /api/calibrations/c1': { body: calibration({ status: 'done', report: await reportOf() }) }, 'GET /api/queues': { body: { queues: [{ queue: 'sales', keys: 1 }] } } });
    window.location.hash = '#/calibration/c1';
    render(<App />);
    await screen.findByTestId('calibration-glossary', {}, { timeout: 5000 });
    await waitFor(() => expect(screen.queryByTestId('calibration-queues-unknown')).toBeNull());
    expect(screen.queryByTestId('calibration-queue-warning')).toBeNull();
  });

  it('lists past calibrations, newest first, each opening its report', async () => {
    const source = { kind: 'leadflow' as const, from: '2026-01-01', to: '2026-04-01', modelId: 'b2b', version: 3, leads: 1250, converted: 480, notConverted: 720, unknown: 50 };
    const past = [
      calibration({ calibrationId: 'c2', status: 'done', source, createdAt: '2026-03-02T10:00:00Z', drafts: [{ modelId: 'calibrated', revision: 0, savedBy: 'Mia', savedAt: '2026-03-02T11:00:00Z' }] }),
      calibration({ calibrationId: 'c1', status: 'failed', rerunOf: 'c0' }),
    ];
    const calls = serve({ ...ME, 'GET /api/calibrations': { body: { calibrations: past } } });
    window.location.hash = '#/calibration';
    render(<App />);
    const list = await screen.findByTestId('calibration-past', {}, { timeout: 5000 });
    await waitFor(() => expect(within(list).getAllByRole('row')).toHaveLength(3));
    const rows = within(list).getAllByRole('row').slice(1);
    expect(rows[0]!.textContent).toContain('LeadFlow’s leads first seen 2026-01-01 to 2026-04-01 (1,250)');
    expect(rows[0]!.textContent).toContain('calibrated');
    expect(rows[1]!.textContent).toContain('A CSV export: 1,200 rows, 4 columns');
    expect(rows[1]!.textContent).toContain('failed (a re-run)');
    expect(within(rows[0]!).getByRole('link').getAttribute('href')).toBe('#/calibration/c2');
    expect(calls.some((call) => call.method === 'GET' && call.url === '/api/calibrations?limit=20')).toBe(true);
  });

  it('offers a failed calibration to run again', async () => {
    serve({
      ...ME,
      'GET /api/calibrations/c1': { body: calibration({ status: 'interrupted', error: 'the API stopped while this calibration ran; re-run it' }) },
      'POST /api/calibrations/c1/rerun': { status: 202, body: { ...calibration({ calibrationId: 'c3', status: 'queued' }), progress: '/api/calibrations/c3' } },
      'GET /api/calibrations/c3': { body: calibration({ calibrationId: 'c3' }) },
    });
    window.location.hash = '#/calibration/c1';
    render(<App />);
    expect((await screen.findByTestId('calibration-failed')).textContent).toContain('the API stopped');
    await userEvent.setup().click(screen.getByTestId('calibration-retry'));
    await waitFor(() => expect(window.location.hash).toBe('#/calibration/c3'));
  });

  it('is not for reviewers', async () => {
    serve({ 'GET /api/me': { body: { name: 'Rita', role: 'reviewer' } } });
    window.location.hash = '#/calibration';
    render(<App />);
    expect(await screen.findByTestId('forbidden')).toBeTruthy();
    expect(screen.queryByTestId('nav-calibration')).toBeNull();
  });
});
