/**
 * The parts of a calibration report that show what was found: the summary of what was read,
 * close rates against the overall rate, the proposed model and the recommended threshold.
 */
import { useId, useMemo, useState } from 'react';
import type { Calibration, CalibrationResult } from '../api/client';
import { count, pct } from './format';
import { iterationsInWords, logOddsInWords } from './glossary';

export function Summary({ calibration, report }: { calibration: Calibration; report: CalibrationResult }) {
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
        {calibration.source ? `${file.columns.length - 1} lead attributes from LeadFlow’s history` : `${file.columns.length} columns, “${file.delimiter === '\t' ? 'tab' : file.delimiter}” between fields`}, seed {settings.seed},{' '}
        {pct(settings.holdout, 0)} held out.
        {report.dropped > 0 && ` ${count(report.dropped)} rows without a recognised outcome were left out.`}
        {file.problems.length > 0 && ` ${count(file.problems.length + file.moreProblems)} malformed rows were skipped (first: line ${file.problems[0]?.line}, ${file.problems[0]?.message}).`}
        {/* Reports kept before these fields existed have none of them. */}
        {(report.redundant ?? []).map((r) => ` “${r.column}” was left out: it ${r.reason}.`)}
        {calibration.rerunOf && (
          <>
            {' '}
            A re-run of <a href={`#/calibration/${calibration.rerunOf}`}>an earlier calibration</a> on the same file.
          </>
        )}
      </p>
      {(report.warnings ?? []).map((warning) => (
        <p key={warning} className="lf-small" role="note" data-testid="calibration-warning">
          ⚠ {warning}
        </p>
      ))}
    </section>
  );
}

export function CloseRates({ report }: { report: CalibrationResult }) {
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
              <th scope="col">{rates.kind === 'number' ? 'Band' : rates.kind === 'date' ? 'How long ago' : 'Value'}</th>
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

export function ProposedModel({ report }: { report: CalibrationResult }) {
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
            {report.fit.features} features, {report.fit.converged ? 'converged' : 'did not converge'} in {report.fit.iterations} Newton iterations (log-loss {report.fit.loss.toFixed(4)}). A score
            of its own from 0 to 100 against the average lead: 50 as likely to convert as it, 75 three times the odds, 25 a third.
          </p>
          <p className="lf-muted lf-small">{iterationsInWords(report.fit.iterations, report.fit.converged)}</p>
          {terms[0] && <p className="lf-muted lf-small">{logOddsInWords(terms[0].weight)}</p>}
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

export function Recommendation({ report }: { report: CalibrationResult }) {
  const r = report.recommendation;
  const off = r.conversion - r.target;
  return (
    <section className="lf-cal-section lf-cal-recommendation" aria-labelledby="recommendation-title" data-testid="calibration-recommendation">
      <h2 id="recommendation-title">Recommended threshold</h2>
      <dl className="lf-cal-facts">
        <div>
          <dt>{r.score === 'predictive' ? 'Predictive score' : 'Close-rate points'} at least</dt>
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
      <p className="lf-small" data-testid="recommendation-why">
        {r.why}
      </p>
      <table className="lf-table lf-compact" data-testid="recommendation-curve">
        <caption className="lf-small">Other thresholds on the same score, chosen on the training leads and measured on the held-out ones (re-run with another target to pick one):</caption>
        <thead>
          <tr>
            <th>At least</th>
            <th>Sent to sales</th>
            <th>Of them converted</th>
            <th>Conversions they hold</th>
          </tr>
        </thead>
        <tbody>
          {((r.score === report.points.score ? report.points : report.predictive).curve ?? []).map((row) => (
            <tr key={row.threshold}>
              <td>{row.threshold}</td>
              <td>{pct(row.share)}</td>
              <td>{pct(row.precision)}</td>
              <td>{pct(row.recall)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/**
 * A calibration from LeadFlow's own history: the proposal beside the live version, both
 * backtested on the same held-out leads, for the quarterly review.
 */
export function LiveComparison({ calibration, report }: { calibration: Calibration; report: CalibrationResult }) {
  const live = report.compared;
  if (!live) return null;
  const r = report.recommendation;
  const winner = r.score === report.points.score ? report.points : report.predictive;
  const source = calibration.source;
  const liveScore = live.scores === 'total' ? 'total score' : live.scores.join(' + ');
  const rows: Array<{ label: string; id: string; live: string; proposal: string }> = [
    { label: 'Threshold', id: 'threshold', live: live.threshold === null ? 'none' : `${liveScore} ≥ ${live.threshold}`, proposal: `${r.score === 'predictive' ? 'predictive score' : 'close-rate points'} ≥ ${r.threshold}` },
    { label: 'Hold-out AUC', id: 'auc', live: live.auc.toFixed(3), proposal: winner.auc.toFixed(3) },
    { label: 'Sent to sales', id: 'sent', live: live.holdout ? `${count(live.holdout.selected)} (${pct(live.holdout.share)})` : '—', proposal: `${count(r.sent)} (${pct(r.share)})` },
    { label: 'Of them converted (precision)', id: 'precision', live: live.holdout ? pct(live.holdout.precision) : '—', proposal: pct(r.conversion) },
    { label: 'Conversions they hold (recall)', id: 'recall', live: live.holdout ? pct(live.holdout.recall) : '—', proposal: pct(r.recall) },
  ];
  return (
    <section className="lf-cal-section" aria-labelledby="comparison-title" data-testid="calibration-comparison">
      <h2 id="comparison-title">The proposal beside the live version</h2>
      {source && (
        <p className="lf-small" data-testid="comparison-source">
          From LeadFlow’s own history: {count(source.leads)} leads first seen from {source.from.slice(0, 10)} to before {source.to.slice(0, 10)}; {count(source.converted)} converted (accepted or
          qualified by sales, or an opportunity or a win in the CRM), {count(source.notConverted)} did not (rejected, lost or disqualified), {count(source.unknown)} have no answer yet and were left
          out.
        </p>
      )}
      <table className="lf-table lf-compact" data-testid="comparison-table">
        <caption className="lf-small" data-testid="comparison-caption">
          The same {count(report.holdout)} held-out leads. The live version scored as it really scored them: {count(live.replayed)} replayed from their events and sales answers up to the moment
          their outcome was said, behaviour points included
          {live.fromAttributes > 0 ? `; ${count(live.fromAttributes)} without a complete history scored from their attributes alone` : ''}. The proposal, which knows only attributes, from their
          attributes.
        </caption>
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">Live: {live.name}</th>
            <th scope="col">Proposal</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <th scope="row">{row.label}</th>
              <td data-testid={`comparison-live-${row.id}`}>{row.live}</td>
              <td data-testid={`comparison-proposal-${row.id}`}>{row.proposal}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
