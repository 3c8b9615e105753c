/**
 * An issue's message where it is shown beside what it blames (on its node, under its field): a
 * shape problem's path in the graph ("nodes.3.queue: …") is left out, as the place says it.
 */
import type { GraphIssue } from '../../../rules/graph-issue';

export function issueText(issue: GraphIssue): string {
  return issue.code === 'invalid_shape' && (issue.nodeId || issue.edgeId) ? issue.message.replace(/^[\w.]+: /, '') : issue.message;
}
