/**
 * The sales queue: a rep's handoffs, oldest first, each led by the person (name, title, company,
 * email), with the score at handoff and now, why the lead qualified (the rules that gave it the
 * most points) and how long is left to answer. The list follows the queue without a click (a
 * short poll): rows that arrive are marked new, and the tab's title counts them. A rep takes a
 * lead nobody owns; accept, reject with a reason, or qualify an accepted lead; each goes to the
 * lead's workflow.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { personLabel } from '../../../engine/person';
import { REJECT_REASONS, type RejectReason } from '../../../engine/types';
import { describeError, type HandoffStatus, type Me, type QueuedHandoff } from '../api/client';
import { dateTime, signed } from '../shell/format';
import { Modal } from '../shell/modal';
import { hrefOf } from '../shell/routes';
import { useApi } from '../shell/session';
import { useLoad } from '../shell/use-load';
import { useNewRows } from './new-rows';
import { REJECT_REASON_LABELS } from './reject-reasons';
import { slaState, useNow } from './sla';

const STATUSES: ReadonlyArray<{ value: HandoffStatus; label: string }> = [
  { value: 'pending', label: 'Waiting for an answer' },
  { value: 'accepted', label: 'Accepted' },
  { value: 'rejected', label: 'Rejected' },
  { value: 'expired', label: 'Expired (no answer)' },
  { value: 'withdrawn', label: 'Withdrawn (score fell)' },
];

/** How often the queue asks for what is new. */
export const QUEUE_POLL_MS = 5_000;

type Decision = 'accept' | 'reject' | 'qualify';

/** The person's name as sales would say it: their name, else their email, else the lead's id. */
function personName(handoff: Pick<QueuedHandoff, 'person' | 'leadId'>): string {
  return personLabel(handoff.person, handoff.leadId);
}

/** Whom a message is about: the person, or the lead when nothing says who they are. */
function whom(handoff: Pick<QueuedHandoff, 'person' | 'leadId'>): string {
  return handoff.person.name ?? handoff.person.email ?? `lead ${handoff.leadId}`;
}

export function QueueScreen({ me }: { me: Me }) {
  const ids = { queue: useId(), status: useId() };
  const own = me.queues ?? [];
  const [queue, setQueue] = useState(own[0] ?? 'inbound-sales');
  const [typed, setTyped] = useState(queue);
  const [status, setStatus] = useState<HandoffStatus>('pending');
  const [deciding, setDeciding] = useState<{ handoff: QueuedHandoff; decision: Decision } | null>(null);
  const [said, setSaid] = useState('');
  const [problem, setProblem] = useState('');
  const [taking, setTaking] = useState<string | null>(null);
  // Answers given here, shown at once: the queue's read side may take a moment to catch up.
  const [answered, setAnswered] = useState<Record<string, string>>({});
  const client = useApi();
  const { load, reload } = useLoad(() => client.queue(queue, status), [client, queue, status]);
  useEffect(() => {
    const timer = setInterval(reload, QUEUE_POLL_MS);
    return () => clearInterval(timer);
  }, [reload]);
  const handoffs = load.state === 'ready' ? load.value : undefined;
  const { fresh, seen, seenAll } = useNewRows(
    handoffs?.map((h) => h.handoffId),
    `${queue}/${status}`,
  );
  useNewCountInTitle(fresh.size);

  const take = async (handoff: QueuedHandoff) => {
    setTaking(handoff.handoffId);
    setSaid('');
    setProblem('');
    seen(handoff.handoffId);
    try {
      await client.take(handoff.handoffId);
      setSaid(`You took ${whom(handoff)}: the lead is yours.`);
    } catch (err) {
      setProblem(`Could not take ${whom(handoff)}: ${describeError(err)}`);
    } finally {
      setTaking(null);
      reload();
    }
  };

  return (
    <main className="lf-page" aria-labelledby="queue-title">
      <h1 id="queue-title">
        Sales queue
        {fresh.size > 0 && (
          <span className="lf-new-count" data-testid="queue-new-count">
            {fresh.size} new
          </span>
        )}
      </h1>
      <form
        className="lf-row lf-filters"
        aria-label="Which handoffs"
        onSubmit={(event) => {
          event.preventDefault();
          if (typed.trim()) setQueue(typed.trim());
        }}
      >
        <label htmlFor={ids.queue}>Queue</label>
        {own.length > 0 ? (
          <select id={ids.queue} data-testid="queue-select" value={queue} onChange={(event) => setQueue(event.target.value)}>
            {own.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        ) : (
          <>
            <input id={ids.queue} data-testid="queue-name" value={typed} onChange={(event) => setTyped(event.target.value)} />
            <button type="submit">Show</button>
          </>
        )}
        <label htmlFor={ids.status}>Status</label>
        <select id={ids.status} data-testid="queue-status" value={status} onChange={(event) => setStatus(event.target.value as HandoffStatus)}>
          {STATUSES.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
        <button type="button" data-testid="queue-refresh" onClick={reload}>
          Refresh
        </button>
        {fresh.size > 0 && (
          <button type="button" data-testid="queue-seen-all" onClick={seenAll}>
            Mark all as seen
          </button>
        )}
        <span className="lf-muted lf-small">
          Updates every {QUEUE_POLL_MS / 1000} s.
          {me.owner && ` Showing the leads for ${me.owner} and those assigned to nobody.`}
        </span>
      </form>

      {load.state === 'loading' && <p>Loading the queue…</p>}
      {load.state === 'failed' && (
        <p className="lf-error" role="alert" data-testid="queue-error">
          Could not load the queue {queue}: {load.message}
        </p>
      )}
      {handoffs && (
        <HandoffTable
          handoffs={handoffs}
          status={status}
          answered={answered}
          fresh={fresh}
          canTake={me.owner !== undefined}
          taking={taking}
          onSeen={seen}
          onTake={(handoff) => void take(handoff)}
          onDecide={(handoff, decision) => {
            setSaid('');
            setProblem('');
            seen(handoff.handoffId);
            setDeciding({ handoff, decision });
          }}
        />
      )}
      <p className="lf-status" role="status" data-testid="queue-said">
        {said}
      </p>
      {problem && (
        <p className="lf-error" role="alert" data-testid="queue-problem">
          {problem}
        </p>
      )}

      {deciding && (
        <DecisionDialog
          handoff={deciding.handoff}
          decision={deciding.decision}
          onClose={() => setDeciding(null)}
          onDone={(message, done) => {
            setAnswered((before) => ({ ...before, [deciding.handoff.handoffId]: done }));
            setDeciding(null);
            setSaid(message);
            reload();
          }}
        />
      )}
    </main>
  );
}

/** "(2 new) LeadFlow" while rows are new, so a queue in a background tab says it has news. */
function useNewCountInTitle(count: number): void {
  const base = useRef(document.title);
  useEffect(() => {
    document.title = count > 0 ? `(${count} new) ${base.current}` : base.current;
  }, [count]);
  useEffect(() => {
    const title = base.current;
    return () => {
      document.title = title;
    };
  }, []);
}

function HandoffTable({
  handoffs,
  status,
  answered,
  fresh,
  canTake,
  taking,
  onSeen,
  onTake,
  onDecide,
}: {
  handoffs: QueuedHandoff[];
  status: HandoffStatus;
  answered: Readonly<Record<string, string>>;
  fresh: ReadonlySet<string>;
  /** The key is a rep's: a lead nobody owns can be taken. */
  canTake: boolean;
  taking: string | null;
  onSeen: (handoffId: string) => void;
  onTake: (handoff: QueuedHandoff) => void;
  onDecide: (handoff: QueuedHandoff, decision: Decision) => void;
}) {
  const now = useNow(1000);
  if (handoffs.length === 0) return <p data-testid="queue-empty">No {status} handoffs in this queue.</p>;
  // A row with focus takes A (accept), R (reject), Q (qualify) and T (take), as the buttons say.
  const onRowKey = (event: KeyboardEvent, handoff: QueuedHandoff) => {
    if (event.target !== event.currentTarget || answered[handoff.handoffId] || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key.toLowerCase();
    if (key === 't' && canTake && status === 'pending' && handoff.owner === undefined) {
      event.preventDefault();
      onTake(handoff);
      return;
    }
    const decision: Decision | undefined = status === 'pending' ? ({ a: 'accept', r: 'reject' } as const)[key as 'a' | 'r'] : status === 'accepted' && key === 'q' ? 'qualify' : undefined;
    if (decision) {
      event.preventDefault();
      onDecide(handoff, decision);
    }
  };
  return (
    <table className="lf-table lf-queue-table" data-testid="queue-list">
      <caption className="lf-visually-hidden">Handoffs, oldest first. On a row, A accepts, R rejects, T takes a lead nobody owns.</caption>
      <thead>
        <tr>
          <th scope="col">Person</th>
          <th scope="col">Score</th>
          <th scope="col">Why it is here</th>
          <th scope="col">Handed over</th>
          <th scope="col">{status === 'pending' ? 'Answer' : 'Answered'}</th>
          <th scope="col">
            <span className="lf-visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {handoffs.map((handoff) => {
          const sla = slaState(handoff.slaDueAt, now);
          const id = handoff.handoffId;
          const name = personName(handoff);
          const { person } = handoff;
          const role = [person.title, person.company].filter(Boolean).join(' · ');
          const isNew = fresh.has(id);
          return (
            <tr
              key={id}
              data-testid={`handoff-${id}`}
              data-new={isNew}
              className={isNew ? 'lf-row-new' : undefined}
              tabIndex={0}
              aria-label={`${isNew ? 'New: ' : ''}${name}${person.company ? ` (${person.company})` : ''}, score ${handoff.score} at handoff${handoff.scoreNow !== null ? `, ${handoff.scoreNow} now` : ''}`}
              onKeyDown={(event) => onRowKey(event, handoff)}
              onFocus={() => onSeen(id)}
              onClick={() => onSeen(id)}
            >
              <th scope="row" className="lf-person">
                {isNew && (
                  <span className="lf-new-badge" data-testid={`handoff-${id}-new`}>
                    New
                  </span>
                )}
                <a href={hrefOf({ screen: 'leads', leadId: handoff.leadId })} data-testid={`handoff-${id}-lead`} title={`Lead ${handoff.leadId}`}>
                  <span data-testid={`handoff-${id}-name`}>{name}</span>
                </a>
                {role && (
                  <div className="lf-small" data-testid={`handoff-${id}-role`}>
                    {role}
                  </div>
                )}
                {person.email && person.email !== name && (
                  <div className="lf-small">
                    <a href={`mailto:${person.email}`} data-testid={`handoff-${id}-email`}>
                      {person.email}
                    </a>
                  </div>
                )}
                <div className="lf-muted lf-small" data-testid={`handoff-${id}-owner`}>
                  {handoff.team}
                  {handoff.owner ? ` · ${handoff.owner}` : ' · unassigned'}
                  {handoff.escalations > 0 && ` · escalated ${handoff.escalations}×`}
                </div>
              </th>
              <td>
                <dl className="lf-scores">
                  <dt>At handoff</dt>
                  <dd data-testid={`handoff-${id}-score`}>{handoff.score}</dd>
                  <dt>Now</dt>
                  <dd data-testid={`handoff-${id}-score-now`}>{handoff.scoreNow ?? '–'}</dd>
                </dl>
                {handoff.grade && <div className="lf-grade-chip">{handoff.grade}</div>}
              </td>
              <td>
                {handoff.qualifiedWhy && (
                  <div className="lf-small" data-testid={`handoff-${id}-qualified`}>
                    {handoff.qualifiedWhy}
                  </div>
                )}
                <div data-testid={`handoff-${id}-why`}>
                  {handoff.topRules.length === 0 ? (
                    <span className="lf-muted">–</span>
                  ) : (
                    <ul className="lf-entries">
                      {handoff.topRules.map((rule) => (
                        <li key={rule.ruleId}>
                          <span className="lf-points-up">{signed(rule.points)}</span> {rule.ruleName}
                        </li>
                      ))}
                    </ul>
                  )}
                </div>
              </td>
              <td>{dateTime(handoff.createdAt)}</td>
              <td>
                {status === 'pending' ? (
                  <span data-testid={`handoff-${id}-sla`} data-overdue={sla.overdue} className={sla.overdue ? 'lf-sla lf-sla-overdue' : sla.urgent ? 'lf-sla lf-sla-urgent' : 'lf-sla'} title={`SLA: ${dateTime(handoff.slaDueAt)}`}>
                    {sla.text}
                  </span>
                ) : (
                  <span>
                    {dateTime(handoff.decidedAt)}
                    {handoff.reason && <div className="lf-small">{REJECT_REASON_LABELS[handoff.reason]}</div>}
                    {handoff.note && <div className="lf-muted lf-small">“{handoff.note}”</div>}
                  </span>
                )}
              </td>
              <td className="lf-actions">
                {answered[id] && <span data-testid={`handoff-${id}-answered`}>{answered[id]} just now</span>}
                {!answered[id] && status === 'pending' && canTake && handoff.owner === undefined && (
                  <button type="button" data-testid={`handoff-${id}-take`} aria-keyshortcuts="T" aria-label={`Take ${name}`} disabled={taking === id} onClick={() => onTake(handoff)}>
                    {taking === id ? 'Taking…' : 'Take'}
                  </button>
                )}
                {!answered[id] && status === 'pending' && (
                  <>
                    <button type="button" data-testid={`handoff-${id}-accept`} aria-keyshortcuts="A" aria-label={`Accept ${name}`} onClick={() => onDecide(handoff, 'accept')}>
                      Accept
                    </button>
                    <button type="button" data-testid={`handoff-${id}-reject`} aria-keyshortcuts="R" aria-label={`Reject ${name}`} onClick={() => onDecide(handoff, 'reject')}>
                      Reject…
                    </button>
                  </>
                )}
                {!answered[id] && status === 'accepted' && (
                  <button type="button" data-testid={`handoff-${id}-qualify`} aria-keyshortcuts="Q" aria-label={`Qualify ${name} as SQL`} onClick={() => onDecide(handoff, 'qualify')}>
                    Qualify (SQL)
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const TITLES: Record<Decision, string> = { accept: 'Accept', reject: 'Reject', qualify: 'Qualify as SQL' };

/** Accept, reject (with a reason) or qualify one handoff, with an optional note. Ctrl+Enter confirms. */
function DecisionDialog({
  handoff,
  decision,
  onClose,
  onDone,
}: {
  handoff: QueuedHandoff;
  decision: Decision;
  onClose: () => void;
  /** `message` for the status line; `done` for the row ("Accepted", "Rejected", "Qualified"). */
  onDone: (message: string, done: string) => void;
}) {
  const client = useApi();
  const ids = { reason: useId(), note: useId() };
  const [reason, setReason] = useState<RejectReason | ''>('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ready = decision !== 'reject' || reason !== '';

  const confirm = async () => {
    if (!ready || busy) return;
    setBusy(true);
    setError(null);
    const trimmed = note.trim() || undefined;
    try {
      if (decision === 'reject') await client.reject(handoff.handoffId, reason as RejectReason, trimmed);
      else if (decision === 'accept') await client.accept(handoff.handoffId, trimmed);
      else await client.qualify(handoff.handoffId, trimmed);
      const done = { accept: 'Accepted', qualify: 'Qualified', reject: 'Rejected' }[decision];
      onDone(`${done} ${whom(handoff)}${decision === 'reject' ? ` (${REJECT_REASON_LABELS[reason as RejectReason]})` : ''}.`, done);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  return (
    <Modal title={`${TITLES[decision]} ${whom(handoff)}`} onClose={onClose} testId="decision-dialog">
      <form
        className="lf-form"
        onSubmit={(event) => {
          event.preventDefault();
          void confirm();
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            void confirm();
          }
        }}
      >
        <p className="lf-muted">
          Score {handoff.score} when handed over{handoff.topRules[0] ? `, mostly for “${handoff.topRules[0].ruleName}”` : ''}.
          {decision === 'reject' && ' The lead goes back to marketing (nurture), and the reason teaches the model.'}
        </p>
        {decision === 'reject' && (
          <>
            <label htmlFor={ids.reason}>Reason</label>
            <select id={ids.reason} data-testid="decision-reason" required value={reason} onChange={(event) => setReason(event.target.value as RejectReason | '')}>
              <option value="" disabled>
                Choose a reason…
              </option>
              {REJECT_REASONS.map((value) => (
                <option key={value} value={value}>
                  {REJECT_REASON_LABELS[value]}
                </option>
              ))}
            </select>
          </>
        )}
        <label htmlFor={ids.note}>Note (optional)</label>
        <textarea id={ids.note} data-testid="decision-note" rows={3} maxLength={2000} value={note} onChange={(event) => setNote(event.target.value)} />
        {error && (
          <p className="lf-error" role="alert" data-testid="decision-error">
            {error}
          </p>
        )}
        <div className="lf-row lf-row-end">
          <small className="lf-muted">Ctrl+Enter</small>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="lf-primary" data-testid="decision-confirm" aria-keyshortcuts="Control+Enter" disabled={!ready || busy}>
            {busy ? 'Sending…' : TITLES[decision]}
          </button>
        </div>
      </form>
    </Modal>
  );
}
