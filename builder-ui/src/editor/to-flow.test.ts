import { describe as group, expect, it } from 'vitest';
import { diffGraphs } from '../../../rules/diff-graphs';
import { ruleGraphSchema, type GraphNode } from '../../../rules/graph.schema';
import { b2bDefaultGraph } from '../../../rules/templates';
import { validateGraph } from '../../../rules/validate-graph';
import { diffMarks, issuesByElement, toFlowEdges, toFlowNodes, type FlowNode } from './to-flow';

const graph = ruleGraphSchema.parse(b2bDefaultGraph);

group('toFlowNodes / toFlowEdges', () => {
  it('keeps every node and edge of the model, at its position', () => {
    const nodes = toFlowNodes(graph);
    const edges = toFlowEdges(graph);
    expect(nodes.map((n) => n.id)).toEqual(graph.nodes.map((n) => n.id));
    expect(edges.map((e) => [e.source, e.target])).toEqual(graph.edges.map((e) => [e.source, e.target]));
    expect(nodes.find((n) => n.id === 'mql')?.position).toEqual({ x: 840, y: 200 });
  });

  it('says what each node does in words, as its accessible name', () => {
    const byId = new Map(toFlowNodes(graph).map((n) => [n.id, n]));
    const say = (id: string) => byId.get(id)?.data.summary;
    expect(say('key-page-points')).toBe('Key page visit · +20 engagement');
    expect(say('careers-points')).toBe('Job seeker or investor · -10 engagement');
    expect(say('mql')).toBe('Marketing-qualified at 60 · total ≥ 60 → MQL');
    expect(say('key-page')).toBe('Pricing or demo page · Page URL starts with /pricing or Page URL starts with /demo');
    expect(say('seniority-set')).toBe('Seniority known · on seniority change');
    expect(say('inbound')).toBe('Inbound sales · queue inbound-sales');
    expect(byId.get('key-page-points')?.ariaLabel).toBe('Points node: Key page visit · +20 engagement');
  });

  it("paints the validator's issues on their node and connection", () => {
    const broken = structuredClone(graph);
    (broken.nodes.find((n) => n.id === 'key-page-points') as Extract<GraphNode, { kind: 'points' }>).score = 'nope';
    broken.edges.push({ id: 'wrong', source: 'visit-points', target: 'key-page' });
    const issues = issuesByElement(validateGraph(broken).issues);
    expect(issues.get('wrong')?.[0]?.code).toBe('invalid_connection');

    const edge = toFlowEdges(broken, { issues }).find((e) => e.id === 'wrong');
    expect(edge?.className).toContain('lf-edge-error');
    expect(edge?.ariaLabel).toBe('Connection from Website visit to Pricing or demo page: A points node cannot lead to a condition node.');

    // With a wrong connection the validator stops before node checks; without it, the node's issue shows.
    broken.edges.pop();
    const nodeIssues = issuesByElement(validateGraph(broken).issues);
    const node = toFlowNodes(broken, { issues: nodeIssues }).find((n) => n.id === 'key-page-points');
    expect(node?.data.issues.map((i) => i.code)).toEqual(['unknown_score']);
    expect(node?.ariaLabel).toMatch(/, 1 error$/);
  });

  it('reuses the object of a node whose look did not change, and only that', () => {
    const cache = new Map<string, FlowNode>();
    const first = toFlowNodes(graph, {}, cache);
    const moved = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'visit' ? { ...n, position: { x: 5, y: 5 } } : n)) };
    const second = toFlowNodes(moved, { selection: { nodes: ['mql'], edges: [] } }, cache);
    const changed = second.filter((node, i) => node !== first[i]).map((n) => n.id);
    expect(changed).toEqual(['visit', 'mql']);
    expect(second.find((n) => n.id === 'mql')?.selected).toBe(true);
    expect(toFlowNodes(moved, { selection: { nodes: ['mql'], edges: [] } }, cache)).toEqual(second);
  });

  it('marks what a version added or changed', () => {
    const after = structuredClone(graph);
    (after.nodes.find((n) => n.id === 'mql') as Extract<GraphNode, { kind: 'threshold' }>).value = 70;
    after.nodes.push({ id: 'extra', kind: 'points', score: 'fit', points: 5 });
    after.edges.push({ id: 'e-extra', source: 'visit', target: 'extra' });
    const marks = diffMarks(diffGraphs(graph, after));
    const nodes = new Map(toFlowNodes(after, { marks }).map((n) => [n.id, n]));
    expect(nodes.get('mql')?.data.mark).toBe('changed');
    expect(nodes.get('extra')?.data.mark).toBe('added');
    expect(nodes.get('visit')?.data.mark).toBeUndefined();
    expect(toFlowEdges(after, { marks }).find((e) => e.id === 'e-extra')?.className).toContain('lf-diff-added');
  });
});
