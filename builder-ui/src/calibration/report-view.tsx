/**
 * A finished calibration: what was read, the mapping and the leakage check with the user's
 * choices (re-run on them), close rates against the overall rate, the proposed model, both
 * backtests, the recommended threshold, and saving the proposal as a draft.
 */
import { useId, useMemo, useState } from 'react';
import { describeError } from '../api/client';
import { navigate } from '../shell/routes';
import { useApi } from '../shell/session';
import { BacktestPanel } from './backtest-panel';
import type { Calibration, CalibrationResult } from './calibration-wire';
import { attributeProblem, changesOf, choicesOf, isLeftOut, setLeftOut, setMapping, slug, type Choices } from './choices';
import { count, pct } from './format';
import { SaveDraft } from './save-draft';

export function ReportView({ calibration, report }: { calibration: Calibration; report: CalibrationResult }) {
  const [choices, setChoices] = useState<Choices>(() => choicesOf(calibration.settings));
  return (
    <div className="lf-cal-report" data-testid="calibration-report" data-calibration-id={calibration.calibrationId}>
      <Summary calibration={calibration} report={report} />
      <Leakage report={report} choices={choices} onChange={setChoices} />
      <Mapping calibration={calibration} report={report} choices={choices} onChange={setChoices} />
      <Rerun calibration={calibration} report={report} choices={choices} onChange={setChoices} />
      <CloseRates report={report} />
      <ProposedModel report={report} />
      <section className="lf-cal-section" aria-labelledby="backtests-title" data-testid="calibration-backtests">
        <h2 id="backtests-title">Backtests on {count(report.holdout)} held-out leads</h2>
        <p className="lf-muted lf-small">Every lead is scored through the live scoring code; nothing was fitted or chosen on these leads.</p>
        <div className="lf-cal-panels">
          <BacktestPanel id="points" title="Points model (close-rate points)" backtest={report.points} />
          <BacktestPanel id="predictive" title="Predictive score (0–100)" backtest={report.predictive} />
        </div>
      </section>
      <Recommendation report={report} />
      <SaveDraft calibration={calibration} report={report} />
    </div>
  );
}

function Summary({ calibration, report }: { calibration: Calibration; report: CalibrationResult }) {
  const { file, settings } = calibration;
  return (
    <section className="lf-cal-section" aria-label="Summary" data-testid="calibration-summary">
      <dl className="lf-cal-facts">
        <div>
          <dt>Leads</dt>
          <dd data-testid="summary-rows">{count(report.rows)}</dd>
        </div>
        <div>
          <dt>Learned from / held out</dt>
          <dd>
            {count(report.train)} / {count(report.holdout)}
          </dd>
        </div>
        <div>
          <dt>Overall close rate</dt>
          <dd data-testid="summary-overall">{pct(report.overallRate)}</dd>
        </div>
        <div>
          <dt>Outcome</dt>
          <dd>{settings.outcome}</dd>
        </div>
      </dl>
      <p className="lf-muted lf-small">
        {file.columns.length} columns, “{file.delimiter === '\t' ? 'tab' : file.delimiter}” between fields, seed {settings.seed}, {pct(settings.holdout, 0)} held out.
        {report.dropped > 0 && ` ${count(report.dropped)} rows without a recognised outcome were left out.`}
        {file.problems.length > 0 && ` ${count(file.problems.length + file.moreProblems)} malformed rows were skipped (first: line ${file.problems[0]?.line}, ${file.problems[0]?.message}).`}
        {calibration.rerunOf && (
          <>
            {' '}
            A re-run of <a href={`#/calibration/${calibration.rerunOf}`}>an earlier calibration</a> on the same file.
          </>
        )}
      </p>
    </section>
  );
}

interface ChoiceProps {
  report: CalibrationResult;
  choices: Choices;
  onChange: (choices: Choices) => void;
}

function Leakage({ report, choices, onChange }: ChoiceProps) {
  const shown = report.leakage.columns.filter((column) => column.flagged || column.warnings.length > 0);
  const strongest = report.leakage.columns
    .filter((column) => !column.flagged)
    .sort((a, b) => b.informationValue - a.informationValue)
    .slice(0, 3);
  return (
    <section className="lf-cal-section" aria-labelledby="leakage-title" data-testid="calibration-leakage">
      <h2 id="leakage-title">Leakage check</h2>
      <p className="lf-muted lf-small">
        Columns recorded after the sales contact, or too predictive to be true, make a model look better than it can be. Flagged columns are left out unless you keep them.
      </p>
      {shown.length === 0 && <p data-testid="leakage-none">No column looks like leakage.</p>}
      <ul className="lf-cal-leaks">
        {shown.map((column) => {
          const id = slug(column.column);
          const out = isLeftOut(choices, column.column, column.flagged);
          return (
            <li key={column.column} data-testid={`leakage-${id}`} data-flagged={column.flagged} className={column.flagged ? 'lf-cal-flagged' : 'lf-cal-warned'}>
              <div className="lf-row">
                <strong>{column.column}</strong>
                <span className={`lf-severity ${column.flagged ? 'lf-severity-error' : 'lf-severity-warning'}`}>{column.flagged ? 'flagged' : 'note'}</span>
                <span className="lf-muted lf-small">
                  IV {column.informationValue.toFixed(2)} · alone AUC {column.holdoutAuc.toFixed(3)} · {pct(column.missingShare, 0)} empty
                </span>
                <span className="lf-spacer" />
                <label className="lf-check">
                  <input type="checkbox" data-testid={`leakage-toggle-${id}`} checked={out} onChange={(event) => onChange(setLeftOut(choices, column.column, column.flagged, event.target.checked))} />
                  Leave out
                </label>
              </div>
              <ul className="lf-small">
                {[...column.reasons, ...column.warnings].map((reason) => (
                  <li key={reason}>{reason}</li>
                ))}
              </ul>
            </li>
          );
        })}
      </ul>
      {strongest.length > 0 && (
        <p className="lf-muted lf-small">
          Strongest columns kept: {strongest.map((column) => `${column.column} (IV ${column.informationValue.toFixed(2)}, alone AUC ${column.holdoutAuc.toFixed(3)})`).join('; ')}.
        </p>
      )}
    </section>
  );
}

function Mapping({ calibration, report, choices, onChange }: ChoiceProps & { calibration: Calibration }) {
  const flagged = new Set(report.leakage.flagged);
  const profiles = new Map(report.profile.map((profile) => [profile.column, profile]));
  const mapped = new Map(report.mappings.map((mapping) => [mapping.column, mapping]));
  const ignored = new Map(report.ignored.map((item) => [item.column, item.reason]));
  const columns = calibration.file.columns.filter((column) => column !== calibration.settings.outcome);
  return (
    <section className="lf-cal-section" aria-labelledby="mapping-title" data-testid="calibration-mapping">
      <h2 id="mapping-title">Columns → lead attributes</h2>
      <p className="lf-muted lf-small">
        Each column becomes a lead attribute named as the CSV import names it, so the model reads imported leads. Change the kind or the attribute (to the name your CRM syncs), or leave a
        column out, then re-run.
      </p>
      <div className="lf-cal-scroll">
        <table className="lf-table lf-compact" data-testid="mapping-table">
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Values</th>
              <th scope="col">Kind</th>
              <th scope="col">Attribute</th>
              <th scope="col">Leave out</th>
            </tr>
          </thead>
          <tbody>
            {columns.map((column) => {
              const id = slug(column);
              const profile = profiles.get(column);
              const mapping = mapped.get(column);
              const chosen = choices.mapping[column] ?? {};
              const attribute = chosen.attribute ?? '';
              const problem = attribute ? attributeProblem(attribute) : undefined;
              const reason = ignored.get(column);
              return (
                <tr key={column} data-testid={`mapping-${id}`} data-fact={mapping?.fact ?? ''}>
                  <th scope="row">
                    {column}
                    {reason && <div className="lf-muted lf-small">left out: {reason}</div>}
                  </th>
                  <td className="lf-small">
                    {profile && (
                      <>
                        {profile.kind} · {pct(profile.missingShare, 0)} empty · {count(profile.distinct)} distinct
                        <div className="lf-muted lf-cal-examples">{profile.examples.slice(0, 3).join(', ')}</div>
                      </>
                    )}
                  </td>
                  <td>
                    <select
                      aria-label={`Kind of ${column}`}
                      data-testid={`mapping-kind-${id}`}
                      value={chosen.kind ?? ''}
                      onChange={(event) => onChange(setMapping(choices, column, 'kind', event.target.value || undefined))}
                    >
                      <option value="">{mapping ? `as proposed (${mapping.kind})` : 'as proposed'}</option>
                      <option value="number">number</option>
                      <option value="category">category</option>
                      <option value="ignore">ignore</option>
                    </select>
                  </td>
                  <td>
                    <span className="lf-muted lf-small">lead.</span>
                    <input
                      aria-label={`Attribute of ${column}`}
                      data-testid={`mapping-attribute-${id}`}
                      placeholder={mapping?.attribute ?? ''}
                      value={attribute}
                      size={18}
                      aria-invalid={problem !== undefined}
                      onChange={(event) => onChange(setMapping(choices, column, 'attribute', event.target.value.trim() || undefined))}
                    />
                    {mapping && <div className="lf-muted lf-small">{mapping.declared ? 'declared by the model' : 'from the facts catalogue'}</div>}
                    {problem && <div className="lf-error lf-small">{problem}</div>}
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Leave ${column} out`}
                      data-testid={`mapping-exclude-${id}`}
                      checked={isLeftOut(choices, column, flagged.has(column))}
                      onChange={(event) => onChange(setLeftOut(choices, column, flagged.has(column), event.target.checked))}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Rerun({ calibration, choices, onChange }: ChoiceProps & { calibration: Calibration }) {
  const client = useApi();
  const targetId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const changes = changesOf(choices, calibration.settings);
  const invalid = Object.values(choices.mapping).some((m) => m.attribute !== undefined && attributeProblem(m.attribute) !== undefined);
  return (
    <section className="lf-cal-section lf-cal-rerun" aria-label="Re-run" data-testid="calibration-choices">
      <div className="lf-row">
        <label htmlFor={targetId}>Target conversion (%)</label>
        <input
          id={targetId}
          type="number"
          min={1}
          max={99}
          data-testid="rerun-target"
          value={Math.round(choices.target * 100)}
          onChange={(event) => onChange({ ...choices, target: Number(event.target.value) / 100 })}
        />
        <span className="lf-muted lf-small" data-testid="calibration-changes">
          {changes ? `Left out: ${choices.exclude.join(', ') || 'none'}; kept despite a flag: ${choices.include.join(', ') || 'none'}; ${Object.keys(choices.mapping).length} column(s) remapped.` : 'These are the choices this calibration ran with.'}
        </span>
        <span className="lf-spacer" />
        <button
          type="button"
          className="lf-primary"
          data-testid="calibration-rerun"
          disabled={!changes || invalid || busy}
          onClick={async () => {
            if (!changes) return;
            setBusy(true);
            setError(null);
            try {
              const started = await client.rerunCalibration(calibration.calibrationId, changes);
              navigate({ screen: 'calibration', calibrationId: started.calibrationId });
            } catch (err) {
              setError(err);
              setBusy(false);
            }
          }}
        >
          {busy ? 'Starting…' : 'Re-run with these choices'}
        </button>
      </div>
      {error !== null && (
        <p className="lf-error" role="alert" data-testid="rerun-error">
          {describeError(error)}
        </p>
      )}
    </section>
  );
}

function CloseRates({ report }: { report: CalibrationResult }) {
  const selectId = useId();
  const table = report.closeRates;
  const [column, setColumn] = useState(() => table.columns[0]?.column ?? '');
  const rates = table.columns.find((c) => c.column === column);
  const top = Math.max(table.overallRate, ...(rates?.levels.map((level) => level.closeRate) ?? [0]));
  return (
    <section className="lf-cal-section" aria-labelledby="rates-title" data-testid="calibration-close-rates">
      <h2 id="rates-title">Close rates against the average</h2>
      <p className="lf-muted lf-small">
        On the {count(table.leads)} training leads, <span data-testid="close-rates-overall">{pct(table.overallRate)}</span> converted. A value gets points only with at least {count(table.minSupport)}{' '}
        leads; rarer values are pooled, and every rate is shrunk towards the average as if {count(table.priorWeight)} more leads had converted at it.
      </p>
      <label className="lf-row">
        <span>Column</span>
        <select id={selectId} data-testid="close-rates-column" value={column} onChange={(event) => setColumn(event.target.value)}>
          {table.columns.map((c) => (
            <option key={c.column} value={c.column}>
              {c.column}
            </option>
          ))}
        </select>
      </label>
      {rates && (
        <table className="lf-table lf-compact" data-testid="close-rates-table">
          <thead>
            <tr>
              <th scope="col">{rates.kind === 'number' ? 'Band' : 'Value'}</th>
              <th scope="col">Leads</th>
              <th scope="col">Close rate</th>
              <th scope="col">× average</th>
              <th scope="col" className="lf-cal-bar-head">
                against {pct(table.overallRate)}
              </th>
            </tr>
          </thead>
          <tbody>
            {rates.levels.map((level, i) => (
              <tr key={level.label} data-testid={`close-rate-${i}`} className={level.supported ? undefined : 'lf-muted'}>
                <th scope="row">
                  {level.label}
                  {!level.supported && <span className="lf-small"> (too few leads: no points)</span>}
                </th>
                <td>{count(level.leads)}</td>
                <td>{pct(level.closeRate)}</td>
                <td>{level.ratio.toFixed(2)}×</td>
                <td>
                  <div className="lf-cal-bar" aria-hidden="true">
                    <span className={level.ratio >= 1 ? 'lf-cal-bar-up' : 'lf-cal-bar-down'} style={{ width: `${(100 * level.closeRate) / (top || 1)}%` }} />
                    <i style={{ left: `${(100 * table.overallRate) / (top || 1)}%` }} />
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ProposedModel({ report }: { report: CalibrationResult }) {
  const points = useMemo(() => report.graph.nodes.flatMap((node) => (node.kind === 'points' ? [{ id: node.id, label: node.label ?? node.id, points: node.points }] : [])), [report.graph]);
  const terms = useMemo(
    () =>
      [...(report.graph.predictive?.[0]?.terms ?? [])]
        .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
        .slice(0, 12),
    [report.graph],
  );
  const triggers = report.graph.nodes.filter((node) => node.kind === 'trigger').length;
  return (
    <section className="lf-cal-section" aria-labelledby="model-title" data-testid="calibration-model">
      <h2 id="model-title">The proposed model</h2>
      <div className="lf-cal-panels">
        <div data-testid="model-points">
          <h3>Points: {points.length} rules on {triggers} attributes</h3>
          <p className="lf-muted lf-small">+10 for twice the average close rate, −10 for half of it; given once per lead, to the score “close_rate”.</p>
          <div className="lf-cal-scroll lf-cal-short">
            <table className="lf-table lf-compact">
              <tbody>
                {points.map((rule) => (
                  <tr key={rule.id}>
                    <td>{rule.label}</td>
                    <td className={rule.points >= 0 ? 'lf-cal-up' : 'lf-cal-down'}>{rule.points > 0 ? `+${rule.points}` : rule.points}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
        <div data-testid="model-predictive">
          <h3>Predictive score: regularised logistic regression</h3>
          <p className="lf-muted lf-small">
            {report.fit.features} features, {report.fit.converged ? 'converged' : 'did not converge'} in {report.fit.iterations} Newton iterations (log-loss {report.fit.loss.toFixed(4)}). 100 ×
            the predicted chance of converting, a score of its own.
          </p>
          <table className="lf-table lf-compact" data-testid="model-terms">
            <thead>
              <tr>
                <th scope="col">Strongest terms</th>
                <th scope="col">Weight (log-odds)</th>
              </tr>
            </thead>
            <tbody>
              {terms.map((term, i) => (
                <tr key={`${term.label ?? ''}-${i}`}>
                  <td>{term.label ?? (term.kind === 'linear' ? term.fact : 'term')}</td>
                  <td className={term.weight >= 0 ? 'lf-cal-up' : 'lf-cal-down'}>{term.weight.toFixed(2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      {report.issues.length > 0 && <p className="lf-small">Notes from the validator: {report.issues.map((issue) => issue.message).join('; ')}</p>}
    </section>
  );
}

function Recommendation({ report }: { report: CalibrationResult }) {
  const r = report.recommendation;
  const off = r.conversion - r.target;
  return (
    <section className="lf-cal-section lf-cal-recommendation" aria-labelledby="recommendation-title" data-testid="calibration-recommendation">
      <h2 id="recommendation-title">Recommended threshold</h2>
      <dl className="lf-cal-facts">
        <div>
          <dt>Predictive score at least</dt>
          <dd data-testid="recommended-threshold">{r.threshold}</dd>
        </div>
        <div>
          <dt>Sent to sales (hold-out)</dt>
          <dd data-testid="recommended-sent">
            {count(r.sent)} of {count(r.holdoutLeads)} ({pct(r.share)})
          </dd>
        </div>
        <div>
          <dt>Of them converted</dt>
          <dd data-testid="recommended-conversion">{pct(r.conversion)}</dd>
        </div>
        <div>
          <dt>Conversions they hold</dt>
          <dd data-testid="recommended-recall">{pct(r.recall)}</dd>
        </div>
      </dl>
      <p className="lf-small">
        Chosen on the training leads to reach {pct(r.target, 0)}
        {r.reached ? '' : ' (not reached there: this is the best threshold)'}; on the held-out leads it reaches {pct(r.conversion)} ({off >= 0 ? '+' : ''}
        {(off * 100).toFixed(1)} points). At that share, about {count(Math.round(r.share * report.rows))} of the file's {count(report.rows)} leads would have gone to sales. The proposed model
        hands leads at or above it to the “sales” queue.
      </p>
    </section>
  );
}
