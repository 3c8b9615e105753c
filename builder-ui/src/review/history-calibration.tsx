/**
 * Closing the loop from the threshold review: calibrate on the leads LeadFlow scored in a period,
 * their outcomes from sales' answers and the CRM. The calibration screen then shows its progress
 * and the report, with the proposal beside the live version.
 */
import { useId, useState } from 'react';
import { describeError, type Me } from '../api/client';
import { navigate } from '../shell/routes';
import { useApi } from '../shell/session';

/** Roles whose keys may start a calibration (the API agrees: POST /calibrations). */
const CALIBRATORS: readonly Me['role'][] = ['admin', 'marketing'];
const DAY_MS = 86_400_000;

export function HistoryCalibration({ me, modelId }: { me: Me; modelId: string }) {
  const client = useApi();
  const fromId = useId();
  const toId = useId();
  // The last quarter, today included (the end is not: tomorrow).
  const [from, setFrom] = useState(() => day(Date.now() - 90 * DAY_MS));
  const [to, setTo] = useState(() => day(Date.now() + DAY_MS));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!CALIBRATORS.includes(me.role)) return null;

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const started = await client.calibrateFromHistory({ from, to, modelId });
      navigate({ screen: 'calibration', calibrationId: started.calibrationId });
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  return (
    <fieldset className="lf-fieldset" data-testid="review-history">
      <legend>Calibrate from LeadFlow’s history</legend>
      <p className="lf-muted lf-small">
        Fit a proposal on the leads first seen in the period whose outcome is known (accepted or qualified by sales, or won in the CRM; rejected, lost or disqualified), and backtest it beside the
        live version on the same leads.
      </p>
      <div className="lf-row">
        <label htmlFor={fromId}>From</label>
        <input id={fromId} type="date" data-testid="review-history-from" value={from} onChange={(event) => setFrom(event.target.value)} />
        <label htmlFor={toId}>to before</label>
        <input id={toId} type="date" data-testid="review-history-to" value={to} onChange={(event) => setTo(event.target.value)} />
        <button type="button" data-testid="review-history-start" disabled={busy || from === '' || to === ''} onClick={() => void start()}>
          Calibrate from LeadFlow’s history
        </button>
      </div>
      {error && (
        <p className="lf-error" role="alert" data-testid="review-history-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
