/**
 * The scoring models: each with its published version and draft, opened in the editor; which one
 * is live (scores events), and making another live; a form to start a new one from a template or
 * an empty canvas.
 */
import { useCallback, useEffect, useId, useState } from 'react';
import { TEMPLATES } from '../../../rules/templates';
import { ApiError, describeError, type LiveModel, type ModelSummary } from '../api/client';
import { Modal } from '../shell/modal';
import { hrefOf, navigate } from '../shell/routes';
import { useApi } from '../shell/session';

type Load = { state: 'loading' } | { state: 'failed'; message: string } | { state: 'ready'; models: ModelSummary[]; live: LiveModel | null };

export function ModelsScreen({ canEdit }: { canEdit: boolean }) {
  const client = useApi();
  const [load, setLoad] = useState<Load>({ state: 'loading' });

  const refresh = useCallback(() => {
    // No live model yet (a database the API has not started on) is shown as none.
    Promise.all([client.listModels(), client.getLiveModel().catch((error: unknown) => (error instanceof ApiError && error.status === 404 ? null : Promise.reject(error)))])
      .then(([models, live]) => setLoad({ state: 'ready', models, live }))
      .catch((error: unknown) => setLoad({ state: 'failed', message: describeError(error) }));
  }, [client]);
  useEffect(refresh, [refresh]);

  return (
    <main className="lf-page" aria-labelledby="models-title">
      <h1 id="models-title">Scoring models</h1>
      <div className="lf-columns">
        <section aria-label="All models" className="lf-grow">
          {load.state === 'loading' && <p>Loading models…</p>}
          {load.state === 'failed' && (
            <p className="lf-error" role="alert">
              Could not load the models: {load.message}
            </p>
          )}
          {load.state === 'ready' && <ModelTable models={load.models} live={load.live} canEdit={canEdit} onChanged={refresh} />}
        </section>
        {canEdit && <CreateModel />}
      </div>
    </main>
  );
}

function ModelTable({ models, live, canEdit, onChanged }: { models: ModelSummary[]; live: LiveModel | null; canEdit: boolean; onChanged: () => void }) {
  const [making, setMaking] = useState<ModelSummary | null>(null);
  if (models.length === 0) return <p data-testid="models-empty">No models yet. Start one from a template.</p>;
  return (
    <>
      <p data-testid="live-model-line">
        {live ? (
          <>
            Events are scored by <strong>{live.name}</strong> (<code>{live.modelId}</code>), version {live.version}.
          </>
        ) : (
          'No model scores events yet.'
        )}
      </p>
    <table className="lf-table" data-testid="models-list">
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col">Published</th>
          <th scope="col">Draft</th>
          <th scope="col">
            <span className="lf-visually-hidden">Open</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {models.map((model) => (
          <tr key={model.modelId} data-testid={`model-row-${model.modelId}`}>
            <th scope="row">
              {model.name}
              {live?.modelId === model.modelId && <LiveBadge />}
              <div className="lf-muted">
                <code>{model.modelId}</code>
                {model.description && ` · ${model.description}`}
              </div>
            </th>
            <td>{model.latestVersion > 0 ? `version ${model.latestVersion}` : 'not yet'}</td>
            <td>
              revision {model.draftRevision}
              <div className="lf-muted">{model.draftUpdatedAt ? new Date(model.draftUpdatedAt).toLocaleString() : ''}</div>
            </td>
            <td>
              <a className="lf-button" href={hrefOf({ screen: 'editor', modelId: model.modelId })} data-testid={`model-open-${model.modelId}`} aria-label={`Open ${model.name}`}>
                Open
              </a>
              {canEdit && live?.modelId !== model.modelId && model.latestVersion > 0 && (
                <button type="button" data-testid={`model-make-live-${model.modelId}`} onClick={() => setMaking(model)}>
                  Make live
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
      {making && (
        <MakeLiveDialog
          model={making}
          live={live}
          onClose={() => setMaking(null)}
          onDone={() => {
            setMaking(null);
            onChanged();
          }}
        />
      )}
    </>
  );
}

/** Marks the model whose newest version scores events. */
export function LiveBadge({ label = 'Live', testId = 'live-badge' }: { label?: string; testId?: string }) {
  return (
    <span className="lf-live-badge" data-testid={testId} title="This model scores every new event">
      {label}
    </span>
  );
}

function MakeLiveDialog({ model, live, onClose, onDone }: { model: ModelSummary; live: LiveModel | null; onClose: () => void; onDone: () => void }) {
  const client = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal title={`Make ${model.name} live`} testId="make-live" onClose={onClose}>
      <p>
        Version {model.latestVersion} of <strong>{model.name}</strong> will score every new event from the next one on
        {live ? (
          <>
            , instead of <strong>{live.name}</strong> (version {live.version})
          </>
        ) : null}
        . Each lead keeps the points it has; its next event, sales answer or decay is scored by the new model.
      </p>
      {error && (
        <p className="lf-error" role="alert" data-testid="make-live-error">
          {error}
        </p>
      )}
      <div className="lf-row">
        <button
          type="button"
          className="lf-primary"
          data-testid="make-live-confirm"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            setError(null);
            try {
              await client.setLiveModel(model.modelId);
              onDone();
            } catch (err) {
              setError(describeError(err));
              setBusy(false);
            }
          }}
        >
          {busy ? 'Making it live…' : 'Make live'}
        </button>
        <button type="button" data-testid="make-live-cancel" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);

function CreateModel() {
  const client = useApi();
  const ids = { name: useId(), id: useId(), template: useId(), description: useId() };
  const [name, setName] = useState('');
  const [modelId, setModelId] = useState('');
  const [idEdited, setIdEdited] = useState(false);
  const [template, setTemplate] = useState('');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const fieldError = (field: string) => (error instanceof ApiError ? error.fields.find((f) => f.path === `body.${field}`)?.message : undefined);

  const effectiveId = idEdited ? modelId : slug(name);
  return (
    <form
      className="lf-form lf-card lf-create"
      aria-labelledby="create-title"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setError(null);
        try {
          const created = await client.createModel({
            modelId: effectiveId,
            name: name.trim(),
            ...(description.trim() && { description: description.trim() }),
            ...(template && { template }),
          });
          navigate({ screen: 'editor', modelId: created.modelId });
        } catch (err) {
          setError(err as Error);
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2 id="create-title">New model</h2>
      <label htmlFor={ids.name}>Name</label>
      <input id={ids.name} data-testid="create-name" required maxLength={200} value={name} onChange={(event) => setName(event.target.value)} />
      {fieldError('name') && <small className="lf-error">{fieldError('name')}</small>}

      <label htmlFor={ids.id}>Id</label>
      <input
        id={ids.id}
        data-testid="create-id"
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
      <small className="lf-muted">Used in links and the API; it cannot change later.</small>
      {fieldError('modelId') && <small className="lf-error">{fieldError('modelId')}</small>}

      <label htmlFor={ids.template}>Start from</label>
      <select id={ids.template} data-testid="create-template" value={template} onChange={(event) => setTemplate(event.target.value)}>
        <option value="">An empty canvas</option>
        {Object.entries(TEMPLATES).map(([id, graph]) => (
          <option key={id} value={id}>
            Template: {graph.name}
          </option>
        ))}
      </select>

      <label htmlFor={ids.description}>Description (optional)</label>
      <textarea id={ids.description} data-testid="create-description" rows={2} maxLength={2000} value={description} onChange={(event) => setDescription(event.target.value)} />

      {error && (
        <p className="lf-error" role="alert" data-testid="create-error">
          {error instanceof ApiError && error.conflict ? `A model with the id "${effectiveId}" exists already; choose another id.` : describeError(error)}
        </p>
      )}
      <button type="submit" className="lf-primary" data-testid="create-submit" disabled={busy || !name.trim() || !effectiveId}>
        {busy ? 'Creating…' : 'Create and open'}
      </button>
    </form>
  );
}
