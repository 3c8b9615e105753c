/**
 * Simulate: run the saved draft over a made-up lead (attributes and a timeline of events) or a
 * real lead's stored events, before publishing. Shows each score over time, the rules that fired
 * at every step, decay, stage changes and the handoff. Nothing is stored.
 */
import { useEffect, useId, useMemo, useState, type FormEvent, type KeyboardEvent } from 'react';
import { EVENT_TYPES, FACTS, type EventType } from '../../../rules/facts-catalogue';
import type { GraphIssue } from '../../../rules/validate-graph';
import { ApiError, describeError, type ModelDetail, type SimulationRequest, type SimulationResult } from '../api/client';
import { ScoreChart } from '../charts/score-chart';
import { stepsToSeries } from '../charts/series';
import { dateTime, words } from '../shell/format';
import { hrefOf } from '../shell/routes';
import { useApi } from '../shell/session';
import { useLoad } from '../shell/use-load';
import { exampleLead, nextEvent, PROPERTY_HINTS, toRequest, type SampleLead, type SampleProblems } from './sample-lead';
import { RealLeadDifference } from './real-lead-difference';
import { rememberedSimulation, rememberSimulation } from './remembered';
import { StepsTable } from './steps-table';

type Run =
  | { state: 'idle' }
  | { state: 'running' }
  | { state: 'done'; result: SimulationResult; at: number; realLead: boolean }
  | { state: 'failed'; message: string; issues: GraphIssue[] };

const LEAD_ATTRIBUTES = FACTS.filter((fact) => fact.source === 'lead').map((fact) => ({ id: fact.id.replace(/^lead\./, ''), label: fact.label }));

export function SimulateScreen({ modelId }: { modelId: string }) {
  const client = useApi();
  const { load } = useLoad(() => client.getModel(modelId), [client, modelId]);

  if (load.state === 'loading') return <p className="lf-message">Loading the model…</p>;
  if (load.state === 'failed') {
    return (
      <main className="lf-page">
        <p className="lf-error" role="alert">
          Could not open the model "{modelId}": {load.message}
        </p>
        <a href={hrefOf({ screen: 'models' })}>Back to the models</a>
      </main>
    );
  }
  return <Simulator model={load.value} />;
}

/** What the chart needs of the draft: its scores and the thresholds to draw. */
export function draftOutline(graph: unknown): { scores: Array<{ id: string; label: string }>; thresholds: Array<{ value: number; label: string; score: string }> } {
  const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
  const g = record(graph);
  const scores = (Array.isArray(g.scores) ? g.scores : []).map(record).flatMap((s) => (typeof s.id === 'string' ? [{ id: s.id, label: typeof s.label === 'string' ? s.label : s.id }] : []));
  const thresholds = (Array.isArray(g.nodes) ? g.nodes : [])
    .map(record)
    .flatMap((n) =>
      n.kind === 'threshold' && typeof n.value === 'number' && typeof n.score === 'string'
        ? [{ value: n.value, score: n.score, label: `${typeof n.label === 'string' ? n.label : 'MQL'} ≥ ${n.value}${typeof n.segment === 'string' ? ` (${n.segment})` : ''}` }]
        : [],
    );
  return { scores, thresholds };
}

function Simulator({ model }: { model: ModelDetail }) {
  const client = useApi();
  const ids = { leadId: useId() };
  // The lead set up last for this model in this tab, so a trip to the editor and back keeps it.
  const [remembered] = useState(() => rememberedSimulation(model.modelId));
  const [mode, setMode] = useState<'sample' | 'lead'>(remembered?.mode ?? 'sample');
  const [sample, setSample] = useState<SampleLead>(() => remembered?.sample ?? exampleLead(new Date()));
  const [leadId, setLeadId] = useState(remembered?.leadId ?? '');
  useEffect(() => rememberSimulation(model.modelId, { mode, sample, leadId }), [model.modelId, mode, sample, leadId]);
  const [problems, setProblems] = useState<SampleProblems>({});
  const [run, setRun] = useState<Run>({ state: 'idle' });
  const outline = useMemo(() => draftOutline(model.draft.graph), [model.draft.graph]);

  const simulate = async (event?: FormEvent) => {
    event?.preventDefault();
    let request: SimulationRequest;
    if (mode === 'lead') {
      if (leadId.trim() === '') {
        setProblems({ leadId: 'enter the id of a lead' });
        return;
      }
      request = { leadId: leadId.trim() };
    } else {
      const built = toRequest(sample);
      if (!built.ok) {
        setProblems(built.problems);
        return;
      }
      request = built.request;
    }
    setProblems({});
    setRun({ state: 'running' });
    try {
      setRun({ state: 'done', result: await client.simulate(model.modelId, request), at: Date.now(), realLead: request.leadId !== undefined });
    } catch (err) {
      setRun({ state: 'failed', message: describeError(err), issues: err instanceof ApiError ? err.issues : [] });
    }
  };

  // Ctrl+Enter runs from anywhere in the form, text areas included.
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void simulate();
    }
  };

  return (
    <main className="lf-page" aria-labelledby="simulate-title">
      <div className="lf-row">
        <a href={hrefOf({ screen: 'editor', modelId: model.modelId })} className="lf-link" data-testid="simulate-back">
          ← Back to the editor
        </a>
      </div>
      <h1 id="simulate-title" data-testid="simulate-title">
        Simulate: {model.name}
      </h1>
      <p className="lf-muted">
        Runs the saved draft (revision {model.draft.revision}) with the same rules as live leads: points, limits, caps, decay, thresholds, grade and routing. Nothing is
        stored.
      </p>
      <div className="lf-columns">
        <form className="lf-card lf-form lf-sim-form" aria-label="The lead to simulate" onSubmit={(event) => void simulate(event)} onKeyDown={onKeyDown}>
          <fieldset className="lf-fieldset">
            <legend>Simulate</legend>
            <label className="lf-check">
              <input type="radio" name="sim-mode" data-testid="sim-mode-sample" checked={mode === 'sample'} onChange={() => setMode('sample')} />A sample lead I describe
            </label>
            <label className="lf-check">
              <input type="radio" name="sim-mode" data-testid="sim-mode-lead" checked={mode === 'lead'} onChange={() => setMode('lead')} />A real lead's stored events
            </label>
          </fieldset>
          {mode === 'lead' ? (
            <>
              <label htmlFor={ids.leadId}>Lead id</label>
              <input id={ids.leadId} data-testid="sim-lead-id" value={leadId} onChange={(event) => setLeadId(event.target.value)} placeholder="e.g. lead-123" />
              {problems.leadId && <small className="lf-error">{problems.leadId}</small>}
            </>
          ) : (
            <SampleForm sample={sample} problems={problems} onChange={setSample} />
          )}
          <div className="lf-row">
            <button type="submit" className="lf-primary" data-testid="sim-run" aria-keyshortcuts="Control+Enter" disabled={run.state === 'running'}>
              {run.state === 'running' ? 'Running…' : 'Run simulation'}
            </button>
            <small className="lf-muted">Ctrl+Enter</small>
          </div>
        </form>
        <section className="lf-grow" aria-label="Simulation result" aria-busy={run.state === 'running'}>
          {run.state === 'idle' && <p className="lf-muted">Describe a lead and run the simulation to see how the draft scores it.</p>}
          {run.state === 'running' && <p>Running…</p>}
          {run.state === 'failed' && (
            <div className="lf-error" role="alert" data-testid="sim-error">
              <p>Could not simulate: {run.message}</p>
              {run.issues.length > 0 && (
                <>
                  <ul>
                    {run.issues.slice(0, 10).map((issue, i) => (
                      <li key={i}>{issue.message}</li>
                    ))}
                  </ul>
                  <a href={hrefOf({ screen: 'editor', modelId: model.modelId })}>Fix them in the editor</a>
                </>
              )}
            </div>
          )}
          {run.state === 'done' && (
            <>
              {run.realLead && <RealLeadDifference model={model} result={run.result} key={`difference-${run.at}`} />}
              <SimulationView result={run.result} outline={outline} key={run.at} />
            </>
          )}
        </section>
      </div>
    </main>
  );
}

function SampleForm({ sample, problems, onChange }: { sample: SampleLead; problems: SampleProblems; onChange: (sample: SampleLead) => void }) {
  const thenId = useId();
  const setAttribute = (index: number, patch: Partial<SampleLead['attributes'][number]>) =>
    onChange({ ...sample, attributes: sample.attributes.map((row, i) => (i === index ? { ...row, ...patch } : row)) });
  const setEvent = (index: number, patch: Partial<SampleLead['events'][number]>) => onChange({ ...sample, events: sample.events.map((row, i) => (i === index ? { ...row, ...patch } : row)) });
  return (
    <>
      <fieldset className="lf-fieldset">
        <legend>Attributes (what the lead's profile says)</legend>
        {sample.attributes.length === 0 && <p className="lf-muted">None: the lead starts with an empty profile.</p>}
        {sample.attributes.map((row, i) => (
          <div className="lf-sim-attr" key={i}>
            <select aria-label={`Attribute ${i + 1}`} data-testid={`sim-attr-${i}-name`} value={row.attribute} onChange={(event) => setAttribute(i, { attribute: event.target.value })}>
              {LEAD_ATTRIBUTES.map((attribute) => (
                <option key={attribute.id} value={attribute.id}>
                  {attribute.label}
                </option>
              ))}
            </select>
            <input aria-label={`Value of attribute ${i + 1}`} data-testid={`sim-attr-${i}-value`} value={row.value} onChange={(event) => setAttribute(i, { value: event.target.value })} />
            <button type="button" className="lf-link" data-testid={`sim-attr-${i}-remove`} aria-label={`Remove attribute ${i + 1}`} onClick={() => onChange({ ...sample, attributes: sample.attributes.filter((_, j) => j !== i) })}>
              ✕
            </button>
            {problems[`attributes.${i}`] && <small className="lf-error lf-sim-problem">{problems[`attributes.${i}`]}</small>}
          </div>
        ))}
        <button type="button" data-testid="sim-attr-add" onClick={() => onChange({ ...sample, attributes: [...sample.attributes, { attribute: LEAD_ATTRIBUTES[0]?.id ?? 'title', value: '' }] })}>
          Add attribute
        </button>
      </fieldset>

      <fieldset className="lf-fieldset">
        <legend>Timeline of events</legend>
        {problems.events && <small className="lf-error">{problems.events}</small>}
        <ol className="lf-sim-events">
          {sample.events.map((row, i) => (
            <li key={i} className="lf-sim-event" data-testid={`sim-event-${i}`}>
              <div className="lf-sim-attr">
                <select aria-label={`Event ${i + 1} type`} data-testid={`sim-event-${i}-type`} value={row.type} onChange={(event) => setEvent(i, { type: event.target.value as EventType })}>
                  {EVENT_TYPES.map((type) => (
                    <option key={type} value={type}>
                      {words(type)}
                    </option>
                  ))}
                </select>
                <input type="datetime-local" aria-label={`Event ${i + 1} time`} data-testid={`sim-event-${i}-at`} value={row.at} onChange={(event) => setEvent(i, { at: event.target.value })} />
                <button type="button" className="lf-link" data-testid={`sim-event-${i}-remove`} aria-label={`Remove event ${i + 1}`} onClick={() => onChange({ ...sample, events: sample.events.filter((_, j) => j !== i) })}>
                  ✕
                </button>
              </div>
              <input
                aria-label={`Event ${i + 1} properties (name=value; …)`}
                data-testid={`sim-event-${i}-properties`}
                value={row.properties}
                placeholder={PROPERTY_HINTS[row.type] || 'no properties'}
                onChange={(event) => setEvent(i, { properties: event.target.value })}
              />
              {problems[`events.${i}.at`] && <small className="lf-error">{problems[`events.${i}.at`]}</small>}
              {problems[`events.${i}.properties`] && <small className="lf-error">{problems[`events.${i}.properties`]}</small>}
            </li>
          ))}
        </ol>
        <button type="button" data-testid="sim-event-add" onClick={() => onChange({ ...sample, events: [...sample.events, nextEvent(sample.events, new Date())] })}>
          Add event
        </button>
      </fieldset>

      <label htmlFor={thenId}>Then let days pass (decay, SLAs)</label>
      <input id={thenId} type="number" min={1} max={365} data-testid="sim-then-days" value={sample.thenDays} placeholder="0" onChange={(event) => onChange({ ...sample, thenDays: event.target.value })} />
      {problems.thenDays && <small className="lf-error">{problems.thenDays}</small>}
    </>
  );
}

function SimulationView({ result, outline }: { result: SimulationResult; outline: ReturnType<typeof draftOutline> }) {
  const labels = new Map(outline.scores.map((score) => [score.id, score.label]));
  const scores = result.scores.map((id) => ({ id, label: labels.get(id) ?? id }));
  const points = useMemo(() => stepsToSeries(result.steps, result.scores, result.until), [result]);
  const last = result.steps.at(-1);
  const decays = result.steps.filter((step) => step.kind === 'timer' && step.entries.some((entry) => entry.points < 0)).length;
  const stageChanges = result.steps.flatMap((step) => step.stageChanges);
  const chartThresholds = outline.thresholds.filter((t) => t.score === 'total').map(({ value, label }) => ({ value, label }));
  return (
    <div data-testid="sim-result">
      <h2>Result</h2>
      {last ? (
        <dl className="lf-facts" data-testid="sim-summary">
          <div>
            <dt>Stage</dt>
            <dd data-testid="sim-final-stage">{last.stage.toUpperCase()}</dd>
          </div>
          <div>
            <dt>Total</dt>
            <dd data-testid="sim-final-total">{last.total}</dd>
          </div>
          {result.scores.map((id) => (
            <div key={id}>
              <dt>{labels.get(id) ?? id}</dt>
              <dd>{last.scores[id] ?? 0}</dd>
            </div>
          ))}
          <div>
            <dt>Grade</dt>
            <dd>{last.grade ?? '–'}</dd>
          </div>
          <div>
            <dt>Segment</dt>
            <dd>{last.segment ?? '–'}</dd>
          </div>
          <div>
            <dt>Handoff</dt>
            <dd data-testid="sim-handoff">{last.handoff ? `${last.handoff.team} · queue ${last.handoff.queue}${last.handoff.owner ? ` · ${last.handoff.owner}` : ''} (${last.handoff.status})` : 'none'}</dd>
          </div>
        </dl>
      ) : (
        <p>No steps: nothing happened to this lead.</p>
      )}
      <p className="lf-muted">
        {result.events} event{result.events === 1 ? '' : 's'}, {result.steps.length} step{result.steps.length === 1 ? '' : 's'}, {decays} decay step{decays === 1 ? '' : 's'},{' '}
        {stageChanges.length} stage change{stageChanges.length === 1 ? '' : 's'}
        {stageChanges.length > 0 && `: ${stageChanges.map((change) => change.stage.toUpperCase()).join(' → ')}`}.{result.truncated && ' The timers ran too long; the end is cut off.'}
      </p>
      {points.length > 0 && <ScoreChart points={points} scores={scores} thresholds={chartThresholds} label={`Scores over time for the simulated lead; final total ${last?.total ?? 0}`} testId="sim-chart" />}
      <StepsTable steps={result.steps} labels={labels} first={result.steps[0]?.at ?? null} />
      {last && <p className="lf-muted">Last step {dateTime(last.at)}.</p>}
    </div>
  );
}
