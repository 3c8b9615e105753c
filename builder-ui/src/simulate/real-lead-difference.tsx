/**
 * Why a real lead's simulated score can differ from what its page shows, in plain words: the
 * simulation scores the lead's whole stored log again with the draft, while its page keeps the
 * points each input earned under the version live when it arrived.
 */
import type { Lead, LiveModel, ModelDetail, SimulationResult } from '../api/client';
import { useApi } from '../shell/session';
import { useLoad } from '../shell/use-load';

export function RealLeadDifference({ model, result }: { model: ModelDetail; result: SimulationResult }) {
  const client = useApi();
  const { load } = useLoad(() => Promise.all([client.getLead(result.leadId), client.getLiveModel().catch(() => null)]), [client, result.leadId]);
  if (load.state !== 'ready') return null;
  const [lead, live] = load.value;
  const { headline, reasons } = explainDifference({ model, result, lead, live });
  return (
    <div className="lf-card lf-sim-difference" data-testid="sim-difference" role="note">
      <p>
        <strong data-testid="sim-difference-headline">{headline}</strong>
      </p>
      {reasons.length > 0 && (
        <ul>
          {reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * The comparison of a real lead's simulated total with its page's: a headline and, when they
 * differ, the reasons that can hold (which rules scored it; when the points were given).
 */
export function explainDifference({
  model,
  result,
  lead,
  live,
}: {
  model: Pick<ModelDetail, 'modelId' | 'name' | 'draft'>;
  result: Pick<SimulationResult, 'steps' | 'events'>;
  lead: Pick<Lead, 'total' | 'stage' | 'modelVersion'>;
  live: Pick<LiveModel, 'modelId' | 'name' | 'version'> | null;
}): { headline: string; reasons: string[] } {
  const simulated = result.steps.at(-1)?.total ?? 0;
  const stage = lead.stage.toUpperCase();
  if (simulated === lead.total) {
    return { headline: `Its page shows ${lead.total} (${stage}) too: the draft scores this lead as it stands today.`, reasons: [] };
  }
  const gap = simulated - lead.total;
  const headline = `Its page shows ${lead.total} (${stage}); this simulation gives ${simulated}, ${Math.abs(gap)} point${Math.abs(gap) === 1 ? '' : 's'} ${gap > 0 ? 'more' : 'fewer'}.`;
  const scoredBy = lead.modelVersion === null ? 'the live model' : `version ${lead.modelVersion} of the live model${live ? ` "${live.name}"` : ''}`;
  const reasons = [
    `The simulation scores all ${result.events} of its stored event${result.events === 1 ? '' : 's'} (and sales' answers) again with the saved draft of "${model.name}" (revision ${model.draft.revision}), with decay up to now. Nothing about the lead is changed.`,
    live && live.modelId !== model.modelId
      ? `Its page was scored by another model: "${live.name}" is the live model (version ${live.version}); "${model.name}" does not score live events.`
      : `Its page was last scored by ${scoredBy}; a rule, a limit or a decay the draft changed since gives other points.`,
    'A running lead keeps the points each event earned under the version live when it arrived; a new version scores only the events after it. The simulation gives every event the draft\u2019s points, so it shows what the lead would have if the draft had always been live.',
  ];
  return { headline, reasons };
}
