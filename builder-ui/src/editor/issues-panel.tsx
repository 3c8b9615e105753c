/**
 * The problems of the graph beside the canvas: the validator's, as the graph changes, and the
 * server's from the last save, publish or compile. Choosing one selects its node and shows it.
 */
import type { GraphNode } from '../../../rules/graph.schema';
import type { GraphIssue } from '../../../rules/validate-graph';
import { issueText } from './to-flow';

export function IssuesPanel({
  issues,
  serverIssues,
  nodes,
  onFocus,
}: {
  issues: readonly GraphIssue[];
  /** What the API said at the last save, compile or publish; null when it has not been asked. */
  serverIssues: { when: string; issues: readonly GraphIssue[] } | null;
  nodes: readonly GraphNode[];
  onFocus: (id: string) => void;
}) {
  const names = new Map(nodes.map((node) => [node.id, node.label ?? node.id]));
  const errors = issues.filter((issue) => issue.severity === 'error').length;
  const warnings = issues.length - errors;
  return (
    <section className="lf-issues" aria-labelledby="issues-title">
      <h2 id="issues-title">
        Problems{' '}
        <span className="lf-muted" data-testid="issue-count">
          {errors} error{errors === 1 ? '' : 's'}, {warnings} warning{warnings === 1 ? '' : 's'}
        </span>
      </h2>
      <IssueList issues={issues} names={names} onFocus={onFocus} testId="issue-list" empty="No problems: the model can be published." />
      {serverIssues && (
        <>
          <h3>
            Server check ({serverIssues.when}): {serverIssues.issues.length === 0 ? 'no problems' : `${serverIssues.issues.length} problem${serverIssues.issues.length === 1 ? '' : 's'}`}
          </h3>
          {serverIssues.issues.length > 0 && <IssueList issues={serverIssues.issues} names={names} onFocus={onFocus} testId="server-issues" />}
        </>
      )}
    </section>
  );
}

function IssueList({ issues, names, onFocus, testId, empty }: { issues: readonly GraphIssue[]; names: Map<string, string>; onFocus: (id: string) => void; testId: string; empty?: string }) {
  return (
    <ul className="lf-issue-list" data-testid={testId}>
      {issues.length === 0 && empty && <li className="lf-muted">{empty}</li>}
      {issues.map((issue, index) => {
        const target = issue.nodeId ?? issue.edgeId;
        const where = issue.nodeId ? (names.get(issue.nodeId) ?? issue.nodeId) : issue.edgeId ? 'Connection' : (issue.path?.length ?? 0) > 1 ? issue.path!.join('.') : 'Model';
        const content = (
          <>
            <span className={`lf-severity lf-severity-${issue.severity}`}>{issue.severity}</span> <strong>{where}</strong>: {issueText(issue)}
          </>
        );
        return (
          <li key={index} data-testid={`${testId}-${index}`} data-code={issue.code} data-node-id={issue.nodeId} data-edge-id={issue.edgeId}>
            {target ? (
              <button type="button" className="lf-issue" onClick={() => onFocus(target)}>
                {content}
              </button>
            ) : (
              <span className="lf-issue">{content}</span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

