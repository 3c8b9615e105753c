/**
 * Calibration from history: upload a CSV export of past leads and name its outcome column; the
 * API calibrates in the background (progress shown as it runs); then the report — mapping,
 * leakage, close rates, the proposed points model and predictive score, their backtests on the
 * hold-out and the recommended threshold — with choices to re-run on, and "Save as draft", which
 * opens the proposed model in the editor.
 */
import { useEffect, useId, useState } from 'react';
import { ApiError, describeError } from '../api/client';
import { hrefOf, navigate } from '../shell/routes';
import { useApi } from '../shell/session';
import type { Calibration, CalibrationUpload } from '../api/client';
import { guessOutcome, readHeader, SEPARATORS, type CsvHeader } from './read-header';
import { PastCalibrations } from './past-calibrations';
import { ReportView } from './report-view';
import './calibration.css';

/** How often a running calibration is asked for its progress. */
const POLL_MS = 500;

export function CalibrationScreen({ calibrationId }: { calibrationId?: string | undefined }) {
  return (
    <main className="lf-page lf-cal" aria-labelledby="calibration-title">
      <div className="lf-row">
        <h1 id="calibration-title">Calibrate from history</h1>
        <span className="lf-spacer" />
        {calibrationId && (
          <a className="lf-button" href={hrefOf({ screen: 'calibration' })} data-testid="calibration-new">
            Calibrate another file
          </a>
        )}
      </div>
      {calibrationId ? (
        <CalibrationRun key={calibrationId} calibrationId={calibrationId} />
      ) : (
        <>
          <UploadForm />
          <PastCalibrations />
        </>
      )}
    </main>
  );
}

interface ChosenFile extends CsvHeader {
  name: string;
  text: string;
}

const SEPARATOR_NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

function UploadForm() {
  const client = useApi();
  const ids = { file: useId(), outcome: useId(), separator: useId(), target: useId(), holdout: useId(), seed: useId() };
  const [file, setFile] = useState<ChosenFile | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [separator, setSeparator] = useState('');
  const [outcome, setOutcome] = useState('');
  // Empty: the default for the export's base rate (80 %, or three times the base rate where lower).
  const [target, setTarget] = useState<number | ''>('');
  const [holdout, setHoldout] = useState(30);
  const [seed, setSeed] = useState(42);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fieldError = (field: string) => (error instanceof ApiError ? error.fields.find((f) => f.path === `query.${field}`)?.message : undefined);

  const choose = async (chosen: File | undefined, forced = separator) => {
    setFileError(null);
    setError(null);
    if (!chosen) return setFile(null);
    try {
      const text = await chosen.text();
      const header = readHeader(text, forced || undefined);
      setFile({ name: chosen.name, text, ...header });
      setOutcome((current) => (header.columns.includes(current) ? current : guessOutcome(header.columns)));
    } catch (err) {
      setFile(null);
      setFileError(`Could not read ${chosen.name}: ${(err as Error).message}`);
    }
  };

  return (
    <form
      className="lf-form lf-card lf-cal-upload"
      aria-label="Upload past leads"
      onSubmit={async (event) => {
        event.preventDefault();
        if (!file) return;
        setBusy(true);
        setError(null);
        try {
          const started = await client.startCalibration(file.text, {
            outcome,
            // The select offers the CSV delimiters only.
            ...(separator && { separator: separator as CalibrationUpload['separator'] }),
            seed,
            ...(target !== '' && { target: target / 100 }),
            holdout: holdout / 100,
          });
          navigate({ screen: 'calibration', calibrationId: started.calibrationId });
        } catch (err) {
          setError(err);
          setBusy(false);
        }
      }}
    >
      <h2>Past leads</h2>
      <p className="lf-muted lf-small">A CSV export of leads whose outcome is known (at most 20 MB). Nothing is sent until you start.</p>
      <label htmlFor={ids.file}>CSV file</label>
      <input id={ids.file} type="file" accept=".csv,.tsv,.txt,text/csv,text/plain" data-testid="calibration-file" onChange={(event) => void choose(event.target.files?.[0])} />
      {fileError && (
        <small className="lf-error" role="alert" data-testid="calibration-file-error">
          {fileError}
        </small>
      )}
      {file && (
        <small className="lf-muted" data-testid="calibration-file-info">
          {file.name}: {file.columns.length} columns, {SEPARATOR_NAMES[file.separator] ?? file.separator} between fields
        </small>
      )}

      <label htmlFor={ids.separator}>Separator</label>
      <select
        id={ids.separator}
        data-testid="calibration-separator"
        value={separator}
        onChange={(event) => {
          setSeparator(event.target.value);
          const input = document.getElementById(ids.file) as HTMLInputElement | null;
          void choose(input?.files?.[0], event.target.value);
        }}
      >
        <option value="">Tell from the file</option>
        {SEPARATORS.map((sep) => (
          <option key={sep} value={sep}>
            {SEPARATOR_NAMES[sep]} ({sep === '\t' ? '⇥' : sep})
          </option>
        ))}
      </select>

      <label htmlFor={ids.outcome}>Outcome column</label>
      <select id={ids.outcome} data-testid="calibration-outcome" required value={outcome} onChange={(event) => setOutcome(event.target.value)} disabled={!file}>
        <option value="">{file ? 'Which column says whether the lead converted?' : 'Choose a file first'}</option>
        {file?.columns.map((column) => (
          <option key={column} value={column}>
            {column}
          </option>
        ))}
      </select>
      <small className="lf-muted">Values such as 1/0, yes/no, won/lost, converted.</small>
      {fieldError('outcome') && <small className="lf-error">{fieldError('outcome')}</small>}

      <div className="lf-grid-3">
        <div className="lf-field">
          <label htmlFor={ids.target}>Target conversion (%)</label>
          <input
            id={ids.target}
            data-testid="calibration-target"
            type="number"
            min={1}
            max={99}
            placeholder="default"
            value={target}
            onChange={(event) => setTarget(event.target.value === '' ? '' : Number(event.target.value))}
          />
        </div>
        <div className="lf-field">
          <label htmlFor={ids.holdout}>Held out (%)</label>
          <input id={ids.holdout} data-testid="calibration-holdout" type="number" min={10} max={50} required value={holdout} onChange={(event) => setHoldout(Number(event.target.value))} />
        </div>
        <div className="lf-field">
          <label htmlFor={ids.seed}>Seed</label>
          <input id={ids.seed} data-testid="calibration-seed" type="number" min={0} step={1} required value={seed} onChange={(event) => setSeed(Number(event.target.value))} />
        </div>
      </div>
      <small className="lf-muted">
        The threshold is chosen so that leads above it convert at the target; the held-out leads test it. Left empty, the target is 80 %, or three times the base rate where that is lower.
      </small>

      {error !== null && (
        <p className="lf-error" role="alert" data-testid="calibration-error">
          {describeError(error)}
        </p>
      )}
      <button type="submit" className="lf-primary" data-testid="calibration-run" disabled={!file || !outcome || busy}>
        {busy ? 'Uploading…' : 'Upload and calibrate'}
      </button>
    </form>
  );
}

type Load = { state: 'loading' } | { state: 'failed'; message: string } | { state: 'ready'; calibration: Calibration };

/** A calibration, asked again every POLL_MS while it is queued or running. */
function useCalibration(calibrationId: string): Load {
  const client = useApi();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        const calibration = await client.getCalibration(calibrationId);
        if (!alive) return;
        setLoad({ state: 'ready', calibration });
        if (calibration.status === 'queued' || calibration.status === 'running') timer = setTimeout(() => void read(), POLL_MS);
      } catch (err) {
        if (alive) setLoad({ state: 'failed', message: describeError(err) });
      }
    };
    void read();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [client, calibrationId]);
  return load;
}

function CalibrationRun({ calibrationId }: { calibrationId: string }) {
  const load = useCalibration(calibrationId);
  if (load.state === 'loading') return <p>Loading the calibration…</p>;
  if (load.state === 'failed') {
    return (
      <p className="lf-error" role="alert" data-testid="calibration-error">
        Could not load the calibration: {load.message}
      </p>
    );
  }
  const { calibration } = load;
  if (calibration.status === 'queued' || calibration.status === 'running') return <Progress calibration={calibration} />;
  if (calibration.status !== 'done' || !calibration.report) return <Failed calibration={calibration} />;
  return <ReportView calibration={calibration} report={calibration.report} />;
}

function Progress({ calibration }: { calibration: Calibration }) {
  const { percent, message, step } = calibration.progress;
  return (
    <section className="lf-card lf-cal-progress" aria-label="Progress" data-testid="calibration-running">
      <h2>Calibrating {calibration.file.rows.toLocaleString('en')} leads…</h2>
      <progress data-testid="calibration-progress" max={100} value={percent} aria-valuetext={`${percent} %`} />
      <p className="lf-small">
        <span data-testid="calibration-step">{calibration.status === 'queued' ? 'waiting' : step}</span> · {percent} % ·{' '}
        <span data-testid="calibration-progress-message">{message}</span>
      </p>
    </section>
  );
}

function Failed({ calibration }: { calibration: Calibration }) {
  const client = useApi();
  const [error, setError] = useState<unknown>(null);
  return (
    <section className="lf-card" role="alert" data-testid="calibration-failed">
      <h2>The calibration {calibration.status === 'interrupted' ? 'was interrupted' : 'failed'}</h2>
      <p>{calibration.error ?? 'No reason was given.'}</p>
      {error !== null && <p className="lf-error">{describeError(error)}</p>}
      <button
        type="button"
        data-testid="calibration-retry"
        onClick={async () => {
          try {
            const again = await client.rerunCalibration(calibration.calibrationId, {});
            navigate({ screen: 'calibration', calibrationId: again.calibrationId });
          } catch (err) {
            setError(err);
          }
        }}
      >
        Run it again
      </button>
    </section>
  );
}
