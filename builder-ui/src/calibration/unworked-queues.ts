/**
 * The queues a proposed graph hands leads to that no sales key works: its routes' queues and
 * the queues they escalate to, against the queues the API says sales keys work.
 */
import type { WorkedQueue } from '../api/client';

export interface UnworkedQueue {
  queue: string;
  /** The teams of the routes that hand leads to it, or escalate to it. */
  teams: string[];
  /** 'route': handoffs land there; 'escalation': handoffs go there when their SLA runs out. */
  via: Array<'route' | 'escalation'>;
}

/** Routes of `graph` (a rule graph, as the report carries it) to queues `worked` lacks, by queue id. */
export function unworkedQueues(graph: { nodes: ReadonlyArray<{ kind: string }> }, worked: readonly WorkedQueue[]): UnworkedQueue[] {
  const known = new Set(worked.filter((q) => q.keys > 0).map((q) => q.queue));
  const found = new Map<string, UnworkedQueue>();
  const note = (queue: string, team: string, via: 'route' | 'escalation') => {
    if (known.has(queue)) return;
    const entry = found.get(queue) ?? { queue, teams: [], via: [] };
    if (!entry.teams.includes(team)) entry.teams.push(team);
    if (!entry.via.includes(via)) entry.via.push(via);
    found.set(queue, entry);
  };
  for (const node of graph.nodes) {
    if (node.kind !== 'route') continue;
    const route = node as { kind: 'route'; team?: string; queue?: string; escalateTo?: string };
    if (route.queue) note(route.queue, route.team ?? '', 'route');
    if (route.escalateTo) note(route.escalateTo, route.team ?? '', 'escalation');
  }
  return [...found.values()].sort((a, b) => (a.queue < b.queue ? -1 : 1));
}
