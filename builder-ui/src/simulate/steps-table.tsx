/** Every step of a simulation: what happened, the rules that fired with their reasons, decay, stage changes. */
import type { SimulationStep } from '../api/client';
import { dateTime, duration, signed, words } from '../shell/format';

export function StepsTable({ steps, labels, first }: { steps: readonly SimulationStep[]; labels: ReadonlyMap<string, string>; first: string | null }) {
  if (steps.length === 0) return null;
  const start = first ? Date.parse(first) : 0;
  return (
    <table className="lf-table lf-steps" data-testid="sim-steps">
      <caption className="lf-visually-hidden">Steps of the simulation, in time order</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">What happened</th>
          <th scope="col">Points</th>
          <th scope="col">Stage</th>
          <th scope="col">Total after</th>
        </tr>
      </thead>
      <tbody>
        {steps.map((step, i) => {
          const decay = step.kind === 'timer' && step.entries.some((entry) => entry.points < 0);
          return (
            <tr key={i} data-testid={`sim-step-${i}`} data-kind={decay ? 'decay' : step.kind} className={decay ? 'lf-step-decay' : undefined}>
              <td>
                {dateTime(step.at)}
                <div className="lf-muted">{Date.parse(step.at) > start ? `+${duration(Date.parse(step.at) - start)}` : 'start'}</div>
              </td>
              <td>
                {step.kind === 'event' ? (
                  <strong>{step.event?.eventId === 'sim:profile' ? 'profile (attributes)' : words(step.event?.type ?? 'event')}</strong>
                ) : step.kind === 'answer' ? (
                  <strong>sales: {step.answer?.decision ?? 'answer'}</strong>
                ) : (
                  <strong>{decay ? 'time passes: decay' : 'time passes'}</strong>
                )}
              </td>
              <td>
                {step.entries.length === 0 ? (
                  <span className="lf-muted">no rule fired</span>
                ) : (
                  <ul className="lf-entries">
                    {step.entries.map((entry, j) => (
                      <li key={j} data-testid={`sim-step-${i}-entry-${j}`} title={entry.reason}>
                        <span className={entry.points < 0 ? 'lf-points-down' : 'lf-points-up'}>{signed(entry.points)}</span> {labels.get(entry.score) ?? entry.score} · {entry.ruleName}
                        <div className="lf-muted lf-small">{entry.reason}</div>
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td>
                {step.stageChanges.length === 0 ? (
                  <span className="lf-muted">{step.stage.toUpperCase()}</span>
                ) : (
                  step.stageChanges.map((change, j) => (
                    <div key={j} data-testid={`sim-step-${i}-stage`}>
                      <strong>→ {change.stage.toUpperCase()}</strong>
                      <div className="lf-muted lf-small">{change.reason}</div>
                    </div>
                  ))
                )}
                {step.handoff && step.stageChanges.length > 0 && <div className="lf-small">handed to {step.handoff.team} ({step.handoff.queue})</div>}
              </td>
              <td>
                <strong>{step.total}</strong>
                <div className="lf-muted lf-small">{Object.entries(step.scores).map(([id, value]) => `${labels.get(id) ?? id} ${value}`).join(' · ')}</div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
