/**
 * The scoring models: each with its published version and draft, opened in the editor; and a
 * form to start a new one from a template or an empty canvas.
 */
import { useCallback, useEffect, useId, useState } from 'react';
import { TEMPLATES } from '../../../rules/templates';
import { ApiError, describeError, type ModelSummary } from '../api/client';
import { hrefOf, navigate } from '../shell/routes';
import { useApi } from '../shell/session';

type Load = { state: 'loading' } | { state: 'failed'; message: string } | { state: 'ready'; models: ModelSummary[] };

export function ModelsScreen({ canEdit }: { canEdit: boolean }) {
  const client = useApi();
  const [load, setLoad] = useState<Load>({ state: 'loading' });

  const refresh = useCallback(() => {
    client
      .listModels()
      .then((models) => setLoad({ state: 'ready', models }))
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
          {load.state === 'ready' && <ModelTable models={load.models} />}
        </section>
        {canEdit && <CreateModel />}
      </div>
    </main>
  );
}

function ModelTable({ models }: { models: ModelSummary[] }) {
  if (models.length === 0) return <p data-testid="models-empty">No models yet. Start one from a template.</p>;
  return (
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
            </td>
          </tr>
        ))}
      </tbody>
    </table>
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
