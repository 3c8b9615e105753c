/**
 * The parts of a calibration report where the user decides: which columns leak the outcome and
 * are left out, how the file's columns map to LeadFlow's attributes, and re-running on those
 * choices.
 */
import { useId, useState } from 'react';
import { describeError } from '../api/client';
import { navigate } from '../shell/routes';
import { useApi } from '../shell/session';
import type { Calibration, CalibrationResult } from '../api/client';
import { attributeProblem, changesOf, isLeftOut, setLeftOut, setMapping, slug, type Choices } from './choices';
import { count, pct } from './format';
import { aucInWords, ivInWords } from './glossary';

export interface ChoiceProps {
  report: CalibrationResult;
  choices: Choices;
  onChange: (choices: Choices) => void;
}

export function Leakage({ report, choices, onChange }: ChoiceProps) {
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
                  <abbr title={ivInWords(column.informationValue)}>IV</abbr> {column.informationValue.toFixed(2)} · alone <abbr title={aucInWords(column.holdoutAuc)}>AUC</abbr>{' '}
                  {column.holdoutAuc.toFixed(3)} · {pct(column.missingShare, 0)} empty
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

export function Mapping({ calibration, report, choices, onChange }: ChoiceProps & { calibration: Calibration }) {
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

export function Rerun({ calibration, choices, onChange }: ChoiceProps & { calibration: Calibration }) {
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
          placeholder="default"
          title="Empty: 80 %, or three times the base rate where that is lower"
          value={choices.target === undefined ? '' : Math.round(choices.target * 100)}
          onChange={(event) => {
            const { target: _previous, ...rest } = choices;
            onChange(event.target.value === '' ? rest : { ...rest, target: Number(event.target.value) / 100 });
          }}
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
