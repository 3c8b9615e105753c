/**
 * Finding a node by what the canvas shows of it: its name (label), its id, its kind, its summary.
 * Every word typed must appear; nodes whose name starts with the query come first, then nodes
 * whose name holds it, then the rest, each group in the graph's order.
 */
import type { GraphNode } from '../../../rules/graph.schema';
import { NODE_SPECS, summarize } from './nodes/registry';

export interface NodeMatch {
  id: string;
  name: string;
  kind: string;
  summary: string;
}

/** Nodes of `nodes` matching `query`, best first; at most `limit`. An empty query matches nothing. */
export function searchNodes(nodes: readonly GraphNode[], query: string, limit = 12): NodeMatch[] {
  const words = normalize(query).split(' ').filter(Boolean);
  if (words.length === 0) return [];
  const whole = words.join(' ');
  const ranked: Array<{ rank: number; match: NodeMatch }> = [];
  for (const node of nodes) {
    const summary = summarize(node);
    const name = node.label ?? summary.split(' · ')[0] ?? node.id;
    const kind = NODE_SPECS[node.kind].title;
    const haystack = normalize(`${name} ${node.id} ${kind} ${summary}`);
    if (!words.every((word) => haystack.includes(word))) continue;
    const label = normalize(name);
    const rank = label.startsWith(whole) ? 0 : label.includes(whole) ? 1 : 2;
    ranked.push({ rank, match: { id: node.id, name, kind, summary } });
  }
  // Array.prototype.sort is stable: equal ranks keep the graph's order.
  return ranked
    .sort((a, b) => a.rank - b.rank)
    .slice(0, limit)
    .map(({ match }) => match);
}

function normalize(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
