/**
 * The validator's issues brought to the inputs they blame: an inspector provides its node's
 * issues, and each field finds its own by its name, which is the issue's `field` path joined
 * with "-" (`['conditions', 1, 'operator']` → `conditions-1-operator`), as fields name themselves.
 */
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { GraphIssue } from '../../../../rules/graph-issue';
import { issueText } from '../issue-text';

const FieldIssues = createContext<ReadonlyMap<string, readonly GraphIssue[]>>(new Map());

/** Gives the fields inside it the issues of one node (those that name a field). */
export function FieldIssuesProvider({ issues, children }: { issues: readonly GraphIssue[]; children: ReactNode }) {
  const byField = useMemo(() => {
    const map = new Map<string, GraphIssue[]>();
    for (const issue of issues) {
      if (!issue.field) continue;
      const key = issue.field.join('-');
      map.set(key, [...(map.get(key) ?? []), issue]);
    }
    return map;
  }, [issues]);
  return <FieldIssues.Provider value={byField}>{children}</FieldIssues.Provider>;
}

export interface FieldProblem {
  /** Set on the input: an error makes it invalid, a warning only speaks. */
  inputProps: { 'aria-invalid'?: true; 'aria-describedby'?: string };
  /** The message under the field, or nothing. */
  note: ReactNode;
}

/** The problem the validator has with the field named `testId`, as props for its input and a note under it. */
export function useFieldProblem(testId: string, inputId: string): FieldProblem {
  const issues = useContext(FieldIssues).get(testId) ?? [];
  if (issues.length === 0) return { inputProps: {}, note: null };
  const error = issues.some((issue) => issue.severity === 'error');
  const noteId = `${inputId}-problem`;
  return {
    inputProps: { ...(error && { 'aria-invalid': true as const }), 'aria-describedby': noteId },
    note: (
      <small id={noteId} className={error ? 'lf-field-error' : 'lf-field-warning'} data-testid={`field-${testId}-problem`}>
        {issues.map(issueText).join(' ')}
      </small>
    ),
  };
}
