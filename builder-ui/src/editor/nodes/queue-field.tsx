/**
 * A route's queue or escalation target, chosen from the queues in use (the model's other routes,
 * the queues sales keys work) rather than typed, so that a typo cannot create a queue nobody
 * watches. A new queue is typed deliberately, after choosing "Another queue…", and a queue no
 * sales key works is said so under the field.
 */
import { useId, useState } from 'react';
import { useFieldProblem } from './field-issues';
import type { QueueChoices } from './specification';

/** The option that opens the text box; a space is never part of a queue id, so it names no queue. */
const ANOTHER = ' another';

export interface QueueFieldProps {
  label: string;
  /** Becomes `data-testid="field-<testId>"` on the list; the text box is `field-<testId>-new`. */
  testId: string;
  value: string | undefined;
  choices: QueueChoices | undefined;
  /** With `optional`, the list offers "(none)", which gives undefined. */
  optional?: boolean;
  disabled?: boolean;
  onChange: (value: string | undefined) => void;
}

export function QueueField({ label, testId, value, choices, optional, disabled, onChange }: QueueFieldProps) {
  const id = useId();
  const [typing, setTyping] = useState(false);
  const problem = useFieldProblem(testId, id);
  const worked = choices?.worked;
  const queues = [...new Set([...(choices?.inModel ?? []), ...(worked?.keys() ?? []), ...(value ? [value] : [])])].sort((a, b) => a.localeCompare(b));
  const describe = (queue: string) => {
    if (!worked) return queue;
    const keys = worked.get(queue) ?? 0;
    return keys === 0 ? `${queue} · no sales key works it` : `${queue} · ${keys} sales key${keys === 1 ? '' : 's'}`;
  };
  const unworked = value !== undefined && value !== '' && worked !== undefined && !worked.has(value);
  const textId = `${id}-new`;

  return (
    <div className="lf-field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        data-testid={`field-${testId}`}
        value={typing ? ANOTHER : (value ?? '')}
        disabled={disabled}
        {...(typing ? {} : problem.inputProps)}
        onChange={(event) => {
          const chosen = event.target.value;
          setTyping(chosen === ANOTHER);
          if (chosen !== ANOTHER) onChange(chosen === '' ? undefined : chosen);
        }}
      >
        {optional && <option value="">(none)</option>}
        {queues.map((queue) => (
          <option key={queue} value={queue}>
            {describe(queue)}
          </option>
        ))}
        <option value={ANOTHER}>Another queue…</option>
      </select>
      {typing && (
        <>
          <label htmlFor={textId}>New queue id</label>
          <input
            id={textId}
            type="text"
            data-testid={`field-${testId}-new`}
            value={value ?? ''}
            autoFocus
            disabled={disabled}
            {...problem.inputProps}
            onChange={(event) => onChange(event.target.value === '' && optional ? undefined : event.target.value)}
          />
          <small>Letters, digits, "_" and "-". A new queue needs a sales key that works it.</small>
        </>
      )}
      {problem.note}
      {unworked && (
        <small className="lf-field-warning" data-testid={`field-${testId}-unworked`}>
          No sales key works the queue "{value}": leads routed here would wait unseen. Give a sales key this queue (an admin does, under API keys), or choose another.
        </small>
      )}
    </div>
  );
}
