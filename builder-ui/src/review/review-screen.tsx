/**
 * The quarterly threshold review: the live model's thresholds per segment; for the one in view,
 * its leads by score band (how many, how they converted, how sales answered) and what a proposed
 * value would do, previewed as the value moves; the new values saved as a new model version.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { ApiError, describeError, type Me, type ReviewThreshold, type ThresholdReview } from '../api/client';
import { ChangeNoteDialog } from '../editor/dialogs';
import { percent } from '../shell/format';
import { useApi } from '../shell/session';
import { useLoad } from '../shell/use-load';
import { bandsOnAxis, widthOf } from './bands-axis';
import { BandsHistogram } from './bands-histogram';
import { HistoryCalibration } from './history-calibration';
import { useWhatIf } from './use-what-if';

/** Roles whose keys may save a review (the API agrees: PUT /reviews/thresholds). */
const SAVERS: readonly Me['role'][] = ['admin', 'reviewer'];

export function ReviewScreen({ me, whatIfDelayMs }: { me: Me; whatIfDelayMs?: number }) {
  const client = useApi();
  const { load, reload } = useLoad(() => client.thresholds(), [client]);
  const [said, setSaid] = useState('');
  // The threshold in view outlives a save: the new version's review opens on the one just edited.
  const [selected, setSelected] = useState<string | null>(null);
  const status = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (said !== '') status.current?.scrollIntoView({ block: 'nearest' });
  }, [said]);

  return (
    <main className="lf-page" aria-labelledby="review-title">
      <h1 id="review-title">Threshold review</h1>
      <p className={said === '' ? 'lf-status' : 'lf-status lf-banner lf-banner-info'} role="status" data-testid="review-status" ref={status}>
        {said}
      </p>
      {load.state === 'loading' && <p>Loading the thresholds…</p>}
      {load.state === 'failed' && (
        <p className="lf-error" role="alert" data-testid="review-error">
          {load.error instanceof ApiError && load.error.status === 404 ? 'The live model has no published version to review yet.' : `Could not load the thresholds: ${load.message}`}
        </p>
      )}
      {load.state === 'ready' && (
        <Review
          key={`${load.value.modelId}@${load.value.version}`}
          review={load.value}
          me={me}
          canSave={SAVERS.includes(me.role)}
          whatIfDelayMs={whatIfDelayMs}
          selected={selected}
          onSelect={setSelected}
          onSaved={(version) => {
            setSaid(`Saved as version ${version} of ${load.value.modelId}. Running leads pick the new thresholds up with their next event.`);
            reload();
          }}
          onReload={() => {
            setSaid('');
            reload();
          }}
        />
      )}
    </main>
  );
}

function Review({
  review,
  me,
  canSave,
  whatIfDelayMs,
  selected: chosen,
  onSelect: setSelected,
  onSaved,
  onReload,
}: {
  review: ThresholdReview;
  me: Me;
  canSave: boolean;
  whatIfDelayMs: number | undefined;
  /** The threshold in view (by node id); the first one when null or gone. */
  selected: string | null;
  onSelect: (nodeId: string) => void;
  onSaved: (version: number) => void;
  onReload: () => void;
}) {
  const client = useApi();
  const bandWidthId = useId();
  const [proposed, setProposed] = useState<Record<string, string>>(() => Object.fromEntries(review.thresholds.map((t) => [t.nodeId, String(t.value)])));
  const selected = review.thresholds.some((t) => t.nodeId === chosen) ? chosen : (review.thresholds[0]?.nodeId ?? null);
  const [bandWidth, setBandWidth] = useState(10);
  const [dialog, setDialog] = useState(false);
  const [busy, setBusy] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);

  const valueOf = (nodeId: string): number | null => {
    const text = proposed[nodeId]?.trim() ?? '';
    const number = Number(text);
    return text !== '' && Number.isFinite(number) ? number : null;
  };
  const changes = review.thresholds.flatMap((t) => {
    const value = valueOf(t.nodeId);
    return value !== null && value !== t.value ? [{ threshold: t, value }] : [];
  });
  const invalid = review.thresholds.some((t) => valueOf(t.nodeId) === null);
  const current = review.thresholds.find((t) => t.nodeId === selected) ?? null;
  const whatIf = useWhatIf(current?.nodeId ?? null, current ? valueOf(current.nodeId) : null, bandWidth, whatIfDelayMs);

  const openSave = () => {
    if (!canSave || changes.length === 0 || invalid) return;
    setSaveError(null);
    setDialog(true);
  };
  const latest = useRef({ openSave, dialog });
  latest.current = { openSave, dialog };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.shiftKey && !event.altKey && event.key.toLowerCase() === 's') {
        event.preventDefault();
        if (!latest.current.dialog) latest.current.openSave();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const save = async (note: string) => {
    setBusy(true);
    setSaveError(null);
    try {
      const saved = await client.saveThresholds(
        review.version,
        changes.map(({ threshold, value }) => ({ nodeId: threshold.nodeId, value })),
        note,
      );
      setDialog(false);
      onSaved(saved.version);
    } catch (err) {
      if (err instanceof ApiError && err.conflict) {
        setDialog(false);
        setConflict(err.message);
      } else setSaveError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  const groups = useMemo(() => groupBySegment(review), [review]);

  return (
    <>
      <p className="lf-muted" data-testid="review-version">
        Model <code>{review.modelId}</code>, version {review.version}. Move a threshold to preview what it would do; save the new values as version {review.version + 1}.
      </p>
      {conflict && (
        <div className="lf-banner lf-banner-error" role="alert" data-testid="review-conflict">
          {conflict}
          <button type="button" data-testid="review-reload" onClick={onReload}>
            Load the new version
          </button>
        </div>
      )}
      <div className="lf-columns">
        <section className="lf-review-list" aria-label="Thresholds by segment">
          {groups.map((group) => (
            <fieldset className="lf-fieldset" key={group.key} data-testid={`review-segment-${group.key}`}>
              <legend>{group.label}</legend>
              {group.thresholds.map((threshold) => (
                <ThresholdCard
                  key={threshold.nodeId}
                  threshold={threshold}
                  text={proposed[threshold.nodeId] ?? ''}
                  selected={selected === threshold.nodeId}
                  onSelect={() => setSelected(threshold.nodeId)}
                  onChange={(text) => {
                    setSelected(threshold.nodeId);
                    setProposed((before) => ({ ...before, [threshold.nodeId]: text }));
                  }}
                />
              ))}
            </fieldset>
          ))}
          {review.thresholds.length === 0 && <p>This model has no thresholds.</p>}
          <HistoryCalibration me={me} modelId={review.modelId} />
          {canSave ? (
            <div className="lf-row">
              <button type="button" className="lf-primary" data-testid="review-save" aria-keyshortcuts="Control+S" disabled={changes.length === 0 || invalid || busy} onClick={openSave}>
                Save as version {review.version + 1}…
              </button>
              <small className="lf-muted">{changes.length === 0 ? 'No changes yet' : `${changes.length} change${changes.length === 1 ? '' : 's'} · Ctrl+S`}</small>
            </div>
          ) : (
            <p className="lf-muted">Reviewers save new thresholds; you can preview them.</p>
          )}
        </section>

        <section className="lf-grow" aria-label="What the proposed value would do" aria-busy={whatIf.pending} data-testid="whatif" data-pending={whatIf.pending}>
          {current && (
            <>
              <div className="lf-row">
                <h2 className="lf-h2">{current.name}</h2>
                <span className="lf-spacer" />
                <label htmlFor={bandWidthId}>Band width</label>
                <select id={bandWidthId} data-testid="review-band-width" value={bandWidth} onChange={(event) => setBandWidth(Number(event.target.value))}>
                  {[5, 10, 20, 25, 50].map((width) => (
                    <option key={width} value={width}>
                      {width} points
                    </option>
                  ))}
                </select>
              </div>
              {whatIf.error && (
                <p className="lf-error" role="alert" data-testid="whatif-error">
                  Could not preview: {whatIf.error}
                </p>
              )}
              {whatIf.result ? (
                <>
                  <WhatIfSummary result={whatIf.result} pending={whatIf.pending} />
                  <BandsHistogram bands={whatIf.result.bands} current={whatIf.result.current.value} proposed={valueOf(current.nodeId) ?? whatIf.result.proposed.value} />
                  <BandsTable result={whatIf.result} />
                </>
              ) : (
                !whatIf.error && <p>Previewing…</p>
              )}
            </>
          )}
        </section>
      </div>

      {dialog && (
        <ChangeNoteDialog
          title={`Save thresholds as version ${review.version + 1}`}
          intro={`${changes.map(({ threshold, value }) => `${threshold.name}: ${threshold.value} → ${value}`).join('; ')}. Every lead is judged by the new values from its next event on.`}
          confirm="Save"
          testId="review-save"
          busy={busy}
          error={saveError}
          onConfirm={(note) => void save(note)}
          onClose={() => setDialog(false)}
        />
      )}
    </>
  );
}

function ThresholdCard({ threshold, text, selected, onSelect, onChange }: { threshold: ReviewThreshold; text: string; selected: boolean; onSelect: () => void; onChange: (text: string) => void }) {
  const valueId = useId();
  const number = Number(text);
  const valid = text.trim() !== '' && Number.isFinite(number);
  const changed = valid && number !== threshold.value;
  const max = Math.max(200, Math.ceil((threshold.value * 2) / 10) * 10, valid ? number : 0);
  const scores = threshold.scores === 'total' ? 'total score' : threshold.scores.join(' + ');
  return (
    <div className={`lf-threshold${selected ? ' lf-threshold-selected' : ''}`} data-testid={`review-threshold-${threshold.nodeId}`} data-selected={selected} onFocus={onSelect}>
      <div className="lf-row">
        <label className="lf-check">
          <input type="radio" name="review-preview" data-testid={`review-pick-${threshold.nodeId}`} checked={selected} onChange={onSelect} />
          <strong>{threshold.name}</strong>
        </label>
        {changed && <span className="lf-changed">changed</span>}
      </div>
      <div className="lf-muted lf-small">
        MQL when the {scores} reaches {threshold.value}
      </div>
      <div className="lf-threshold-inputs">
        <label htmlFor={valueId}>Proposed value</label>
        <input id={valueId} type="number" data-testid={`review-value-${threshold.nodeId}`} value={text} aria-invalid={!valid} onChange={(event) => onChange(event.target.value)} />
        <input
          type="range"
          aria-label={`${threshold.name}: proposed value`}
          data-testid={`review-slider-${threshold.nodeId}`}
          min={0}
          max={max}
          step={1}
          value={valid ? number : threshold.value}
          onChange={(event) => onChange(event.target.value)}
        />
        {changed && (
          <button type="button" className="lf-link" data-testid={`review-undo-${threshold.nodeId}`} onClick={() => onChange(String(threshold.value))}>
            Back to {threshold.value}
          </button>
        )}
      </div>
      {!valid && <small className="lf-error">Enter a number.</small>}
    </div>
  );
}

function WhatIfSummary({ result, pending }: { result: NonNullable<ReturnType<typeof useWhatIf>['result']>; pending: boolean }) {
  const delta = result.proposed.atOrAbove - result.current.atOrAbove;
  return (
    <dl className="lf-facts" data-testid="whatif-summary">
      <div>
        <dt>Leads it governs</dt>
        <dd data-testid="whatif-leads">{result.leads}</dd>
      </div>
      <div>
        <dt>At or above {result.current.value} now</dt>
        <dd data-testid="whatif-current">{result.current.atOrAbove}</dd>
      </div>
      <div>
        <dt>At or above {result.proposed.value} (proposed)</dt>
        <dd data-testid="whatif-proposed" data-value={result.proposed.value}>
          {result.proposed.atOrAbove}
        </dd>
      </div>
      <div>
        <dt>Change</dt>
        <dd data-testid="whatif-delta">
          {delta > 0 ? `+${delta}` : delta} lead{Math.abs(delta) === 1 ? '' : 's'}
          {pending && <span className="lf-muted"> (updating…)</span>}
        </dd>
      </div>
    </dl>
  );
}

function BandsTable({ result }: { result: NonNullable<ReturnType<typeof useWhatIf>['result']> }) {
  if (result.bands.length === 0) return <p data-testid="review-bands-empty">No leads are governed by this threshold yet.</p>;
  return (
    <table className="lf-table lf-compact" data-testid="review-bands">
      <caption className="lf-visually-hidden">Conversion and acceptance by score band</caption>
      <thead>
        <tr>
          <th scope="col">Score band</th>
          <th scope="col">Leads</th>
          <th scope="col">Reached SQL</th>
          <th scope="col">Won</th>
          <th scope="col">Accepted / rejected by sales</th>
          <th scope="col">Acceptance</th>
        </tr>
      </thead>
      <tbody>
        {bandsOnAxis(result.bands, widthOf(result.bands), [result.current.value, result.proposed.value]).map((band) => (
          <tr key={band.from} data-testid={`review-band-${band.from}`} className={band.from >= result.proposed.value ? 'lf-band-in' : undefined}>
            <th scope="row">
              {band.from}–{band.to}
            </th>
            <td>{band.leads}</td>
            <td>
              {band.reachedSql} ({percent(band.sqlRate)})
            </td>
            <td>
              {band.won} ({percent(band.wonRate)})
            </td>
            <td>
              {band.accepted} / {band.rejected}
            </td>
            <td>{percent(band.acceptanceRate)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface SegmentGroup {
  key: string;
  label: string;
  thresholds: ReviewThreshold[];
}

/** Thresholds per segment, in the model's segment order; the default (no segment) last. */
function groupBySegment(review: ThresholdReview): SegmentGroup[] {
  const groups: SegmentGroup[] = review.segments.map((segment) => ({ key: segment.id, label: `Segment: ${segment.label}`, thresholds: [] }));
  const fallback: SegmentGroup = { key: '_default', label: review.segments.length > 0 ? 'Leads of no other segment' : 'All leads', thresholds: [] };
  for (const threshold of review.thresholds) {
    const group = groups.find((g) => g.key === threshold.segment) ?? fallback;
    group.thresholds.push(threshold);
  }
  return [...groups, fallback].filter((group) => group.thresholds.length > 0);
}
