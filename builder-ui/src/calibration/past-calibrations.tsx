/**
 * The calibrations run so far, newest first: when, on what, how it went, and the drafts saved
 * from it; each opens its report.
 */
import type { CalibrationSummary } from '../api/client';
import { dateTime } from '../shell/format';
import { hrefOf } from '../shell/routes';
import { useApi } from '../shell/session';
import { useLoad } from '../shell/use-load';
import { count } from './format';

const STATUS_WORDS: Record<CalibrationSummary['status'], string> = { queued: 'waiting', running: 'running', done: 'done', failed: 'failed', interrupted: 'interrupted' };

export function PastCalibrations() {
  const client = useApi();
  const { load } = useLoad(() => client.listCalibrations(), [client]);
  return (
    <section className="lf-card lf-cal-past" aria-labelledby="past-title" data-testid="calibration-past">
      <h2 id="past-title">Past calibrations</h2>
      {load.state === 'loading' && <p>Loading…</p>}
      {load.state === 'failed' && (
        <p className="lf-error" role="alert">
          Could not list the calibrations: {load.message}
        </p>
      )}
      {load.state === 'ready' && load.value.length === 0 && <p className="lf-muted" data-testid="calibration-past-none">None yet: the first one you run will be listed here.</p>}
      {load.state === 'ready' && load.value.length > 0 && (
        <table className="lf-table lf-compact">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">On</th>
              <th scope="col">Outcome column</th>
              <th scope="col">Status</th>
              <th scope="col">Drafts saved</th>
            </tr>
          </thead>
          <tbody>
            {load.value.map((calibration) => (
              <tr key={calibration.calibrationId} data-testid={`calibration-past-${calibration.calibrationId}`}>
                <td>
                  <a href={hrefOf({ screen: 'calibration', calibrationId: calibration.calibrationId })}>{dateTime(calibration.createdAt)}</a>
                </td>
                <td>{sourceOf(calibration)}</td>
                <td>{calibration.settings.outcome}</td>
                <td>
                  {STATUS_WORDS[calibration.status]}
                  {calibration.rerunOf && <span className="lf-muted"> (a re-run)</span>}
                </td>
                <td>{calibration.drafts.length === 0 ? '–' : calibration.drafts.map((draft) => draft.modelId).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function sourceOf(calibration: CalibrationSummary): string {
  if (calibration.source) return `LeadFlow’s leads first seen ${calibration.source.from} to ${calibration.source.to} (${count(calibration.source.leads)})`;
  return `A CSV export: ${count(calibration.file.rows)} rows, ${calibration.file.columns.length} columns`;
}
