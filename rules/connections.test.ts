import { describe, expect, it } from 'vitest';
import { acceptsIncoming, ALLOWED_TARGETS, canConnect, connectionProblem, leadsOnward } from './connections';
import type { NodeKind } from './graph.schema';
import { TEMPLATES } from './templates';
import { validateGraph } from './validate-graph';

const KINDS = Object.keys(ALLOWED_TARGETS) as NodeKind[];

describe('connections', () => {
  it('follows the two paths of the rule language', () => {
    expect(canConnect('trigger', 'condition')).toBe(true);
    expect(canConnect('condition', 'points')).toBe(true);
    expect(canConnect('threshold', 'route')).toBe(true);
    expect(canConnect('trigger', 'route')).toBe(false);
    expect(canConnect('points', 'condition')).toBe(false);
    expect(KINDS.filter(acceptsIncoming)).toEqual(['condition', 'points', 'route']);
    expect(KINDS.filter(leadsOnward)).toEqual(['trigger', 'condition', 'threshold', 'grade']);
  });

  it('agrees with the validator on every pair of kinds', () => {
    // One node of every kind, taken from the shipped templates, in a graph that is otherwise valid.
    const base = structuredClone(TEMPLATES['b2b-default']!);
    const sample = (kind: NodeKind, id: string) => ({ ...Object.values(TEMPLATES).flatMap((t) => t.nodes).find((node) => node.kind === kind)!, id });
    for (const source of KINDS) {
      for (const target of KINDS) {
        const graph = { ...base, nodes: [...base.nodes, sample(source, 'probe-source'), sample(target, 'probe-target')], edges: [...base.edges, { id: 'probe', source: 'probe-source', target: 'probe-target' }] };
        const refused = validateGraph(graph).issues.some((issue) => issue.code === 'invalid_connection' && issue.edgeId === 'probe');
        expect(refused, `${source} → ${target}`).toBe(!canConnect(source, target));
      }
    }
  });

  it('refuses self-connections, duplicates and loops, and names the reason', () => {
    const graph = {
      nodes: [
        { id: 't', kind: 'trigger' as const },
        { id: 'a', kind: 'condition' as const },
        { id: 'b', kind: 'condition' as const },
        { id: 'p', kind: 'points' as const },
      ],
      edges: [
        { source: 't', target: 'a' },
        { source: 'a', target: 'b' },
      ],
    };
    expect(connectionProblem(graph, 'b', 'p')).toBeUndefined();
    expect(connectionProblem(graph, 'a', 'a')).toMatch(/itself/);
    expect(connectionProblem(graph, 't', 'a')).toMatch(/already/);
    expect(connectionProblem(graph, 'b', 'a')).toMatch(/loop/);
    expect(connectionProblem(graph, 'p', 'a')).toMatch(/points node cannot lead to a condition/);
    expect(connectionProblem(graph, 'x', 'a')).toMatch(/Both ends/);
  });
});
