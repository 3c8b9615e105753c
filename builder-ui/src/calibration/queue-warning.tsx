/**
 * A warning when the proposal routes leads to a queue no sales key works: saved and published as
 * it is, those leads would wait where nobody looks.
 */
import type { CalibrationResult } from '../api/client';
import { useApi } from '../shell/session';
import { useLoad } from '../shell/use-load';
import { unworkedQueues } from './unworked-queues';

export function QueueWarning({ report }: { report: CalibrationResult }) {
  const client = useApi();
  const { load } = useLoad(() => client.workedQueues(), [client]);
  if (load.state === 'loading') return null;
  if (load.state === 'failed') {
    return (
      <p className="lf-small lf-muted" data-testid="calibration-queues-unknown">
        Could not check which queues sales works ({load.message}); check the proposal's routes before publishing.
      </p>
    );
  }
  const unworked = unworkedQueues(report.graph, load.value);
  if (unworked.length === 0) return null;
  return (
    <div className="lf-banner lf-banner-error lf-cal-queues" role="alert" data-testid="calibration-queue-warning">
      <p>
        <strong>
          ⚠ The proposal hands leads to {unworked.length === 1 ? 'a queue' : 'queues'} no sales key works:{' '}
          {unworked.map((q) => `“${q.queue}” (${q.via.map((via) => (via === 'route' ? 'its handoffs' : 'its escalations')).join(' and ')})`).join(', ')}.
        </strong>{' '}
        Published as it is, nobody would see those leads. After saving the draft, route them to a queue sales works
        {load.value.length > 0 ? ` (${load.value.map((q) => q.queue).join(', ')})` : ' (no sales key works any queue yet)'}, or ask an admin for a sales key that works it.
      </p>
    </div>
  );
}
