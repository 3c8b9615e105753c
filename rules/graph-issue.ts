/**
 * One problem in a user's rule graph, naming the node or edge to blame so the editor can paint
 * it. Reported by validate-graph.ts and guard-input.ts; its own module so that neither imports
 * the other for it.
 */
export interface GraphIssue {
  severity: 'error' | 'warning';
  /** Machine-readable kind of problem, e.g. `unknown_fact`. */
  code: string;
  message: string;
  nodeId?: string;
  edgeId?: string;
  /**
   * Within the node, the field to blame, e.g. `['conditions', 1, 'operator']` or `['queue']`, so
   * the editor can mark the input itself and not only the node.
   */
  field?: Array<string | number>;
  /** Where in the submitted JSON, when no single node or edge is to blame. */
  path?: Array<string | number>;
}
