/**
 * One lead, titled by the person (name, company): where it stands (stage, scores, grade, segment,
 * handoff), its scores over time drawn from the ledger with the live model's threshold, every
 * ledger entry in time order with its rule and reason, its stage history and attributes.
 */
import { useMemo } from 'react';
import { personOf } from '../../../engine/person';
import { ApiError, type Lead, type LedgerEntry, type Me, type ReviewThreshold } from '../api/client';
import { ScoreChart } from '../charts/score-chart';
import { inTimeOrder, ledgerToSeries } from '../charts/series';
import { REJECT_REASON_LABELS } from '../queue/reject-reasons';
import { dateTime, signed, words } from '../shell/format';
import { hrefOf } from '../shell/routes';
import { useApi, useSession } from '../shell/session';
import { useLoad } from '../shell/use-load';

const LEDGER_LIMIT = 1000;
/** Who may read the live model's thresholds (GET /api/reviews/thresholds). */
const THRESHOLD_READERS: ReadonlyArray<Me['role']> = ['admin', 'marketing', 'reviewer'];

/** The lead's title: the person's name and company, else the lead's id. */
export function leadTitle(lead: Pick<Lead, 'leadId' | 'attributes'> | undefined, leadId: string): string {
  const person = personOf(lead?.attributes);
  const who = person.name ?? person.email;
  if (!who) return person.company ? `Lead at ${person.company}` : `Lead ${leadId}`;
  return person.company ? `${who}, ${person.company}` : who;
}

/** What an event of the ledger was, in words: a CRM sync of attributes is one, not a "custom" event. */
export function eventLabel(entry: Pick<LedgerEntry, 'eventId' | 'eventType'>): string {
  if (entry.eventId.startsWith('sync:')) return 'CRM sync';
  return words(entry.eventType);
}

export function LeadPage({ leadId }: { leadId: string }) {
  const client = useApi();
  const { state } = useSession();
  const { load, reload } = useLoad(() => Promise.all([client.getLead(leadId), client.ledger(leadId, LEDGER_LIMIT)]), [client, leadId]);
  const mayReadThresholds = state.status === 'signed-in' && THRESHOLD_READERS.includes(state.me.role);
  // The threshold line is a help, not the page: without it (no live model yet) the page stands.
  const { load: review } = useLoad(() => (mayReadThresholds ? client.thresholds().then((r) => r.thresholds) : Promise.resolve([])), [client, mayReadThresholds]);
  const lead = load.state === 'ready' ? load.value[0] : undefined;

  return (
    <main className="lf-page" aria-labelledby="lead-title">
      <div className="lf-row">
        <a href={hrefOf({ screen: 'leads' })} className="lf-link" data-testid="lead-back">
          ← All leads
        </a>
        <span className="lf-spacer" />
        <button type="button" data-testid="lead-refresh" onClick={reload}>
          Refresh
        </button>
      </div>
      <h1 id="lead-title" data-testid="lead-title">
        {leadTitle(lead, leadId)}
      </h1>
      {lead && leadTitle(lead, leadId) !== `Lead ${leadId}` && (
        <p className="lf-muted lf-small lf-truncate lf-lead-id" title={leadId} data-testid="lead-id">
          Lead {leadId}
        </p>
      )}
      {load.state === 'loading' && <p>Loading the lead…</p>}
      {load.state === 'failed' && (
        <p className="lf-error" role="alert" data-testid="lead-missing">
          {load.error instanceof ApiError && load.error.status === 404 ? `There is no lead "${leadId}" you can see.` : `Could not load the lead: ${load.message}`}
        </p>
      )}
      {load.state === 'ready' && <LeadDetails lead={load.value[0]} ledger={load.value[1]} thresholds={review.state === 'ready' ? review.value : []} />}
    </main>
  );
}

/** The lines to draw on the lead's chart: the live model's thresholds on the total for the lead's segment (else the default ones). */
export function chartThresholdsFor(thresholds: readonly ReviewThreshold[], segment: string | null): Array<{ value: number; label: string }> {
  const onTotal = thresholds.filter((t) => t.scores === 'total');
  const own = onTotal.filter((t) => segment !== null && t.segment === segment);
  return (own.length > 0 ? own : onTotal.filter((t) => t.segment === null)).map((t) => ({ value: t.value, label: `${t.name} (${t.value})` }));
}

function LeadDetails({ lead, ledger, thresholds }: { lead: Lead; ledger: LedgerEntry[]; thresholds: readonly ReviewThreshold[] }) {
  const timeline = useMemo(() => ledgerToSeries(ledger, Object.keys(lead.scores)), [ledger, lead.scores]);
  const entries = useMemo(() => inTimeOrder(ledger), [ledger]);
  const cut = ledger.length >= LEDGER_LIMIT && lead.ledgerSize > ledger.length;
  return (
    <>
      <dl className="lf-facts" data-testid="lead-summary">
        <div>
          <dt>Stage</dt>
          <dd data-testid="lead-stage">
            <span className={`lf-stage lf-stage-${lead.stage}`}>{lead.stage.toUpperCase()}</span>
          </dd>
        </div>
        <div>
          <dt>Total</dt>
          <dd data-testid="lead-total">{lead.total}</dd>
        </div>
        {Object.entries(lead.scores).map(([id, value]) => (
          <div key={id}>
            <dt>{id}</dt>
            <dd data-testid={`lead-score-${id}`}>{value}</dd>
          </div>
        ))}
        <div>
          <dt>Grade</dt>
          <dd data-testid="lead-grade">{lead.grade ?? '–'}</dd>
        </div>
        <div>
          <dt>Segment</dt>
          <dd data-testid="lead-segment">{lead.segment ?? '–'}</dd>
        </div>
        <div>
          <dt>Events</dt>
          <dd>{lead.eventCount}</dd>
        </div>
        <div>
          <dt>Last active</dt>
          <dd>{dateTime(lead.lastActivityAt)}</dd>
        </div>
        <div>
          <dt>Model version</dt>
          <dd>{lead.modelVersion ?? '–'}</dd>
        </div>
      </dl>

      {lead.handoff && (
        <p data-testid="lead-handoff" className="lf-card lf-wide-card">
          Handed to <strong>{lead.handoff.team}</strong> (queue {lead.handoff.queue}
          {lead.handoff.owner ? `, ${lead.handoff.owner}` : ''}) on {dateTime(lead.handoff.createdAt)} at score {lead.handoff.score}: <strong>{lead.handoff.status}</strong>
          {lead.handoff.reason && ` — ${REJECT_REASON_LABELS[lead.handoff.reason]}`}
          {lead.handoff.note && ` (“${lead.handoff.note}”)`}
          {lead.handoff.status === 'pending' && `; SLA ${dateTime(lead.handoff.slaDueAt)}`}.
        </p>
      )}

      <h2 className="lf-h2">Score timeline</h2>
      {timeline.points.length === 0 ? (
        <p className="lf-muted">No points yet.</p>
      ) : (
        <ScoreChart
          points={timeline.points}
          scores={timeline.scores.map((id) => ({ id, label: id }))}
          thresholds={chartThresholdsFor(thresholds, lead.segment)}
          label={`Scores of ${leadTitle(lead, lead.leadId)} over time; total now ${lead.total}`}
          testId="lead-timeline"
        />
      )}

      <div className="lf-columns">
        <section className="lf-grow" aria-labelledby="ledger-title">
          <h2 className="lf-h2" id="ledger-title">
            Ledger ({ledger.length}
            {cut ? ` of ${lead.ledgerSize}` : ''}, in time order)
          </h2>
          {ledger.length === 0 ? (
            <p className="lf-muted">No entries.</p>
          ) : (
            <table className="lf-table lf-compact" data-testid="lead-ledger">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Event</th>
                  <th scope="col">Rule</th>
                  <th scope="col">Points</th>
                  <th scope="col">Why</th>
                  <th scope="col">Version</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <tr key={entry.sequence} data-testid={`ledger-${entry.sequence}`}>
                    <td>{dateTime(entry.occurredAt)}</td>
                    <td>{eventLabel(entry)}</td>
                    <td>{entry.ruleName}</td>
                    <td className={entry.points < 0 ? 'lf-points-down' : 'lf-points-up'}>
                      {signed(entry.points)} {entry.score}
                    </td>
                    <td className="lf-small">{entry.reason}</td>
                    <td>v{entry.modelVersion}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <aside className="lf-lead-side">
          <section aria-labelledby="stages-title">
            <h2 className="lf-h2" id="stages-title">
              Stage history
            </h2>
            <ol className="lf-stage-history" data-testid="lead-stages">
              {lead.stageHistory.map((change, i) => (
                <li key={i} data-testid={`stage-${i}`}>
                  <strong>{change.stage.toUpperCase()}</strong> · {dateTime(change.at)}
                  <div className="lf-muted lf-small">{change.reason}</div>
                </li>
              ))}
            </ol>
          </section>
          <section aria-labelledby="attributes-title">
            <h2 className="lf-h2" id="attributes-title">
              Attributes
            </h2>
            {Object.keys(lead.attributes).length === 0 ? (
              <p className="lf-muted">None known.</p>
            ) : (
              <table className="lf-table lf-compact" data-testid="lead-attributes">
                <tbody>
                  {Object.entries(lead.attributes).map(([name, value]) => (
                    <tr key={name}>
                      <th scope="row">{name}</th>
                      <td>{String(value)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </aside>
      </div>
    </>
  );
}
