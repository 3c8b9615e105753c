/**
 * "Save as draft": the proposed graph becomes the draft of a new model, or replaces the draft of
 * an existing one (at the revision read when it was chosen, so that someone else's later save is
 * not overwritten); then the model opens in the editor.
 */
import { useEffect, useId, useState } from 'react';
import { ApiError, describeError, type ModelSummary } from '../api/client';
import { hrefOf, navigate } from '../shell/routes';
import { useApi } from '../shell/session';
import type { Calibration, CalibrationResult } from '../api/client';

const slugOf = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);

export function SaveDraft({ calibration, report }: { calibration: Calibration; report: CalibrationResult }) {
  const client = useApi();
  const ids = { name: useId(), id: useId(), mode: useId(), existing: useId() };
  const [mode, setMode] = useState<'new' | 'existing'>('new');
  const [name, setName] = useState(() => `${report.graph.name} (${calibration.settings.outcome})`.slice(0, 200));
  const [modelId, setModelId] = useState('');
  const [idEdited, setIdEdited] = useState(false);
  const [models, setModels] = useState<ModelSummary[] | null>(null);
  const [existing, setExisting] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const effectiveId = mode === 'new' ? (idEdited ? modelId : slugOf(name)) : existing;

  useEffect(() => {
    if (mode !== 'existing' || models) return;
    client
      .listModels()
      .then(setModels)
      .catch((err: unknown) => setError(err));
  }, [mode, models, client]);

  const fieldError = (field: string) => (error instanceof ApiError ? error.fields.find((f) => f.path === `body.${field}`)?.message : undefined);
  return (
    <section className="lf-cal-section" aria-labelledby="save-title" data-testid="calibration-save">
      <h2 id="save-title">Save as a draft</h2>
      <p className="lf-muted lf-small">The proposal becomes an ordinary draft: edit it, simulate leads through it and publish it like any other model.</p>
      <form
        className="lf-form lf-cal-save"
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          setError(null);
          try {
            const revision = mode === 'existing' ? models?.find((m) => m.modelId === existing)?.draftRevision : undefined;
            const saved = await client.saveCalibrationDraft(calibration.calibrationId, {
              modelId: effectiveId,
              ...(name.trim() && { name: name.trim() }),
              ...(revision !== undefined && { revision }),
            });
            navigate({ screen: 'editor', modelId: saved.modelId });
          } catch (err) {
            setError(err);
            setBusy(false);
            // Someone saved the draft since the list was read: read it again for the latest revision.
            if (err instanceof ApiError && err.conflict && mode === 'existing') setModels(null);
          }
        }}
      >
        <label htmlFor={ids.mode}>Save into</label>
        <select id={ids.mode} data-testid="draft-mode" value={mode} onChange={(event) => setMode(event.target.value as 'new' | 'existing')}>
          <option value="new">a new model</option>
          <option value="existing">the draft of an existing model (replacing it)</option>
        </select>
        <label htmlFor={ids.name}>Name</label>
        <input id={ids.name} data-testid="draft-name" maxLength={200} value={name} onChange={(event) => setName(event.target.value)} />
        {mode === 'new' ? (
          <>
            <label htmlFor={ids.id}>Model id</label>
            <input
              id={ids.id}
              data-testid="draft-model-id"
              required
              maxLength={64}
              pattern="[A-Za-z0-9_\-]+"
              title='Letters, digits, "_" and "-"'
              value={effectiveId}
              onChange={(event) => {
                setIdEdited(true);
                setModelId(event.target.value);
              }}
            />
          </>
        ) : (
          <>
            <label htmlFor={ids.existing}>Model</label>
            <select id={ids.existing} data-testid="draft-existing" required value={existing} onChange={(event) => setExisting(event.target.value)}>
              <option value="">{models ? 'Choose a model' : 'Loading models…'}</option>
              {models?.map((model) => (
                <option key={model.modelId} value={model.modelId}>
                  {model.name} ({model.modelId}, draft revision {model.draftRevision})
                </option>
              ))}
            </select>
          </>
        )}
        {fieldError('modelId') && <small className="lf-error">{fieldError('modelId')}</small>}
        {error !== null && (
          <p className="lf-error" role="alert" data-testid="draft-error">
            {error instanceof ApiError && error.conflict && mode === 'existing' ? `${error.message}. Its latest revision has been read again: save once more to replace it.` : describeError(error)}
          </p>
        )}
        <button type="submit" className="lf-primary" data-testid="draft-save" disabled={busy || !effectiveId}>
          {busy ? 'Saving…' : 'Save as draft and open it'}
        </button>
      </form>
      {calibration.drafts.length > 0 && (
        <p className="lf-small" data-testid="calibration-drafts">
          Saved from this calibration:{' '}
          {calibration.drafts.map((draft, i) => (
            <span key={`${draft.modelId}-${draft.revision}`}>
              {i > 0 && ', '}
              <a href={hrefOf({ screen: 'editor', modelId: draft.modelId })}>{draft.modelId}</a> (revision {draft.revision})
            </span>
          ))}
        </p>
      )}
    </section>
  );
}
