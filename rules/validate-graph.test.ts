import { describe, expect, it } from 'vitest';
import type { RuleGraphInput } from './graph.schema';
import { TEMPLATES } from './templates';
import { compileGraph } from './compile-graph';
import { validateGraph } from './validate-graph';

const graph = (patch: Partial<RuleGraphInput>): RuleGraphInput => ({
  name: 'g',
  scores: [{ id: 'engagement', label: 'Engagement' }],
  nodes: [
    { id: 't', kind: 'trigger', eventTypes: ['page_view'] },
    { id: 'p', kind: 'points', score: 'engagement', points: 5 },
    { id: 'th', kind: 'threshold', score: 'total', value: 60, stage: 'mql' },
    { id: 'r', kind: 'route', team: 'Sales', queue: 'sales' },
  ],
  edges: [
    { id: 'e1', source: 't', target: 'p' },
    { id: 'e2', source: 'th', target: 'r' },
  ],
  ...patch,
});
const base = graph({});
const codes = (input: unknown) => validateGraph(input).issues.map((i) => [i.code, i.nodeId ?? i.edgeId]);

describe('validateGraph', () => {
  it.each(Object.entries(TEMPLATES))('accepts the %s template without issues', (_name, template) => {
    expect(validateGraph(template)).toMatchObject({ ok: true, issues: [] });
  });

  it('names the node whose shape is wrong', () => {
    const input = structuredClone(base);
    (input.nodes[1] as { points: unknown }).points = 'ten';
    const result = validateGraph(input);
    expect(result.ok).toBe(false);
    expect(result.issues[0]).toMatchObject({ code: 'invalid_shape', nodeId: 'p', path: ['nodes', 1, 'points'] });
  });

  it('reports unknown facts, wrong operators, wrong values and unsafe patterns on their node', () => {
    const input = graph({
      nodes: [
        ...base.nodes,
        {
          id: 'c',
          kind: 'condition',
          match: 'all',
          conditions: [
            { fact: 'lead.shoeSize', operator: 'equal', value: 42 },
            { fact: 'lead.companySize', operator: 'startsWith', value: '1' },
            { fact: 'lead.companySize', operator: 'greaterThan', value: 'big' },
            { match: 'any', conditions: [{ fact: 'lead.country', operator: 'in', value: 'DE' }] },
            { fact: 'lead.title', operator: 'matchesPattern', value: '(a{1000})+' },
            { fact: 'lead.title', operator: 'matchesPattern', value: '(?<=x)y' },
            { fact: 'derived.eventCount', operator: 'greaterThan', value: 3 },
          ],
        },
        { id: 'p2', kind: 'points', score: 'engagement', points: 1 },
      ],
      edges: [...base.edges, { id: 'e3', source: 't', target: 'c' }, { id: 'e4', source: 'c', target: 'p2' }],
    });
    const issues = validateGraph(input).issues;
    expect(issues.map((i) => [i.code, i.nodeId])).toEqual([
      ['unknown_fact', 'c'],
      ['operator_mismatch', 'c'],
      ['value_type', 'c'],
      ['value_type', 'c'],
      ['value_type', 'c'],
      ['value_type', 'c'],
      ['missing_params', 'c'],
    ]);
    expect(issues[3]!.message).toBe('Condition 4.1: Country (ISO code) needs a non-empty list of strings.');
    expect(issues[4]!.message).toMatch(/repeats something more than 100 times/);
  });

  it('reports cycles, unreachable points, bad connections and dangling edges', () => {
    const cyclic = graph({
      nodes: [
        ...base.nodes,
        { id: 'a', kind: 'condition', match: 'all', conditions: [{ fact: 'event.url', operator: 'equal', value: '/a' }] },
        { id: 'b', kind: 'condition', match: 'all', conditions: [{ fact: 'event.url', operator: 'equal', value: '/b' }] },
      ],
      edges: [...base.edges, { id: 'ta', source: 't', target: 'a' }, { id: 'ab', source: 'a', target: 'b' }, { id: 'ba', source: 'b', target: 'a' }],
    });
    expect(codes(cyclic)).toEqual([['cycle', 'a']]);

    const orphanPoints = graph({ nodes: [...base.nodes, { id: 'p9', kind: 'points', score: 'engagement', points: 3 }] });
    expect(codes(orphanPoints)).toEqual([
      ['disconnected', 'p9'],
      ['unreachable', 'p9'],
    ]);

    const wrongWay = graph({ edges: [...base.edges, { id: 'bad', source: 'p', target: 't' }, { id: 'gone', source: 't', target: 'nope' }] });
    expect(codes(wrongWay)).toEqual([
      ['invalid_connection', 'bad'],
      ['dangling_edge', 'gone'],
    ]);
  });

  it('checks thresholds, grades, routes and segments', () => {
    const input = graph({
      segments: [{ id: 'big', label: 'Big', match: 'all', conditions: [{ fact: 'event.url', operator: 'equal', value: '/x' }] }],
      nodes: [
        ...base.nodes.filter((n) => n.id !== 'th'),
        { id: 'th', kind: 'threshold', score: 'fit', value: 60, stage: 'mql', segment: 'huge' },
        { id: 'g', kind: 'grade', fitScore: 'fit', engagementScore: 'engagement', fitBands: [10, 20, 30], engagementBands: [60, 40, 20] },
        { id: 'lonely', kind: 'route', team: 'Nobody', queue: 'void' },
        { id: 'rr', kind: 'route', team: 'AEs', queue: 'aes', strategy: 'round_robin' },
      ],
      edges: [...base.edges, { id: 'e5', source: 'g', target: 'rr' }],
    });
    expect(codes(input)).toEqual([
      ['unknown_score', 'th'],
      ['unknown_segment', 'th'],
      ['unknown_score', 'g'],
      ['invalid_bands', 'g'],
      ['disconnected', 'lonely'],
      ['no_owners', 'rr'],
      ['lead_fact_only', undefined],
      ['unreachable_route', 'lonely'],
    ]);
  });

  it('warns when segments with thresholds of their own can both hold for one lead', () => {
    const segment = (id: string, conditions: any[]) => ({ id, label: id, match: 'all' as const, conditions });
    const withSegments = (a: any[], b: any[]) =>
      graph({
        segments: [segment('a', a), segment('b', b)],
        nodes: [
          ...base.nodes,
          { id: 'th-a', kind: 'threshold', score: 'total', value: 80, stage: 'mql', segment: 'a' },
          { id: 'th-b', kind: 'threshold', score: 'total', value: 50, stage: 'mql', segment: 'b' },
        ],
        edges: [...base.edges, { id: 'ea', source: 'th-a', target: 'r' }, { id: 'eb', source: 'th-b', target: 'r' }],
      });
    const size = (operator: string, value: number) => ({ fact: 'lead.companySize', operator, value });
    expect(codes(withSegments([size('greaterThanInclusive', 1000)], [size('greaterThanInclusive', 500)]))).toEqual([['overlapping_segments', 'th-b']]);
    expect(codes(withSegments([size('greaterThanInclusive', 1000)], [size('lessThan', 1000)]))).toEqual([]);
    const industry = (value: string[]) => ({ fact: 'lead.industry', operator: 'in', value });
    expect(codes(withSegments([industry(['saas', 'fintech'])], [industry(['retail'])]))).toEqual([]);
    expect(codes(withSegments([industry(['saas', 'fintech'])], [industry(['fintech']), size('lessThan', 50)]))).toEqual([['overlapping_segments', 'th-b']]);
  });

  it('warns about a route that can never be chosen', () => {
    const input = graph({
      nodes: [...base.nodes, { id: 'r2', kind: 'route', team: 'Other', queue: 'other' }],
      edges: [...base.edges, { id: 'e9', source: 'th', target: 'r2' }],
    });
    expect(codes(input)).toEqual([['shadowed_route', 'r2']]);
  });
});

describe('validateGraph: the field to blame', () => {
  it('names the field inside the node, as the inspector lays it out, for shape and meaning alike', () => {
    const input = graph({
      nodes: [
        { id: 't', kind: 'trigger', eventTypes: ['page_view'] },
        {
          id: 'c',
          kind: 'condition',
          match: 'all',
          conditions: [
            { fact: 'event.url', operator: 'startsWith', value: '/pricing' },
            { match: 'any', conditions: [{ fact: 'lead.companySize', operator: 'startsWith', value: 'big' }] },
            { fact: 'lead.companySize', operator: 'greaterThan', value: 'ten' },
          ],
        },
        { id: 'p', kind: 'points', score: 'nope', points: 5, limits: { windowDays: 30 } },
        { id: 'th', kind: 'threshold', score: 'total', value: 60, stage: 'mql', segment: 'ghost' },
        { id: 'r', kind: 'route', team: 'Sales', queue: 'sales', strategy: 'weighted' },
      ],
      edges: [
        { id: 'e1', source: 't', target: 'c' },
        { id: 'e2', source: 'c', target: 'p' },
        { id: 'e3', source: 'th', target: 'r' },
      ],
    });
    const fields = validateGraph(input).issues.map((issue) => [issue.code, issue.nodeId, issue.field]);
    expect(fields).toEqual(
      expect.arrayContaining([
        ['operator_mismatch', 'c', ['conditions', 1, 'conditions', 0, 'operator']],
        ['value_type', 'c', ['conditions', 2, 'value']],
        ['unknown_score', 'p', ['score']],
        ['invalid_limit', 'p', ['limits', 'maxTimes']],
        ['unknown_segment', 'th', ['segment']],
        ['no_owners', 'r', ['strategy']],
      ]),
    );
    const grade = graph({ nodes: [...base.nodes, { id: 'g', kind: 'grade', fitScore: 'engagement', engagementScore: 'engagement', fitBands: [80, 50, 60], engagementBands: [60, 40, 20] }] });
    expect(validateGraph(grade).issues.filter((issue) => issue.code === 'invalid_bands').map((issue) => issue.field)).toEqual([['fitBands', 2]]);
    const message = validateGraph(input).issues.find((issue) => issue.code === 'operator_mismatch')?.message;
    expect(message).toBe('Condition 2.1: "starts with" does not apply to Company size (employees) (a number).');
  });

  it('names the field of a shape problem: a queue id with a space', () => {
    const input = structuredClone(base);
    (input.nodes[3] as { queue: string }).queue = 'inbound sales';
    expect(validateGraph(input).issues[0]).toMatchObject({ code: 'invalid_shape', nodeId: 'r', field: ['queue'], path: ['nodes', 3, 'queue'] });
  });
});

describe('patterns and operators', () => {
  const withCondition = (conditions: any[]) =>
    graph({
      nodes: [...base.nodes, { id: 'c', kind: 'condition', match: 'all', conditions }, { id: 'p2', kind: 'points', score: 'engagement', points: 1 }],
      edges: [...base.edges, { id: 'e3', source: 't', target: 'c' }, { id: 'e4', source: 'c', target: 'p2' }],
    });

  it('refuses pathological patterns (a repeated repetition) but accepts ordinary ones', () => {
    for (const bad of ['(a+)+$', '(x*y)*', '((ab)+c)+', '(a|aa)+?(b+){2,}']) {
      expect(codes(withCondition([{ fact: 'lead.title', operator: 'matchesPattern', value: bad }])), bad).toEqual([['value_type', 'c']]);
    }
    for (const fine of ['^(head|vp|chief) of', '[a-z]+@acme\\.com$', '(ab)+', '\\(a+\\)+', '[(a+)]+']) {
      expect(codes(withCondition([{ fact: 'lead.title', operator: 'matchesPattern', value: fine }])), fine).toEqual([]);
    }
  });

  it('names an unknown operator and lists the real ones', () => {
    const result = validateGraph(withCondition([{ fact: 'lead.title', operator: 'sortOfLike', value: 'x' }]));
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'unknown_operator', nodeId: 'c', message: expect.stringMatching(/^"sortOfLike" is not an operator\. Use one of: equal, notEqual, in,/) }),
    ]);
  });

  it('lets routes test the segment, and nothing else', () => {
    const routing = graph({
      segments: [{ id: 'big', label: 'Big', match: 'all', conditions: [{ fact: 'lead.companySize', operator: 'greaterThan', value: 999 }] }],
      nodes: [
        ...base.nodes,
        { id: 'is-big', kind: 'condition', match: 'all', conditions: [{ fact: 'derived.segment', operator: 'equal', value: 'big' }] },
        { id: 'big-team', kind: 'route', team: 'Big', queue: 'big' },
        { id: 'c2', kind: 'condition', match: 'all', conditions: [{ fact: 'derived.segment', operator: 'equal', value: 'big' }] },
        { id: 'p2', kind: 'points', score: 'engagement', points: 1 },
      ],
      edges: [
        ...base.edges,
        { id: 'e3', source: 'th', target: 'is-big' },
        { id: 'e4', source: 'is-big', target: 'big-team' },
        { id: 'e5', source: 't', target: 'c2' },
        { id: 'e6', source: 'c2', target: 'p2' },
      ],
    });
    expect(codes(routing)).toEqual([['routing_fact_only', 'c2']]);
  });
});

describe('validateGraph on hostile input', () => {
  it('refuses a huge, deep, cyclic, prototype-polluting graph with a pathological pattern, quickly', () => {
    let deep: any = { fact: 'event.url', operator: 'matchesPattern', value: '(a+)+$' };
    for (let i = 0; i < 2_000; i++) deep = { match: 'any', conditions: [deep] };
    const nodes: any[] = Array.from({ length: 50_000 }, (_, i) => ({ id: `n${i}`, kind: 'condition', match: 'all', conditions: [{ fact: 'event.url', operator: 'matchesPattern', value: '(a+)+$' }] }));
    nodes[0].conditions = [deep];
    const edges = nodes.map((n, i) => ({ id: `e${i}`, source: n.id, target: nodes[(i + 1) % nodes.length]!.id }));
    const hostile = JSON.parse(JSON.stringify({ name: 'x', scores: [], nodes, edges }).replace('"name":"x"', '"__proto__":{"admin":true},"name":"x"'));
    const started = performance.now();
    const result = validateGraph(hostile);
    expect(result.ok).toBe(false);
    expect(result.issues.length).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(3_000);
    // Each hostile trait alone is refused too, naming where.
    const small = (patch: object) => validateGraph({ ...graph({}), ...patch }).issues.map((i) => i.code);
    expect(small({ nodes: [...base.nodes, { id: 'c', kind: 'condition', match: 'all', conditions: [deep] }] })).toEqual(['too_deep']);
    expect(small({ edges: [...base.edges, { id: 'loop', source: 'r', target: 'th' }] })).toEqual(['invalid_connection']);
    expect(validateGraph(JSON.parse('{"__proto__":{"x":1},"name":"g","scores":[],"nodes":[],"edges":[]}')).issues[0]?.code).toBe('forbidden_key');
  });

  it('never throws on arbitrary JSON, and always says what is wrong', () => {
    for (const input of [null, 42, 'graph', [], {}, { nodes: 'x' }, JSON.parse('{"__proto__": {"polluted": true}}'), { nodes: [null] }]) {
      const result = validateGraph(input);
      expect(result.ok).toBe(false);
      expect(result.issues.length).toBeGreaterThan(0);
      expect(result.issues.every((issue) => issue.code && issue.message)).toBe(true);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses huge, deep, prototype-polluting and long-string graphs before parsing them', () => {
    const huge = { ...base, nodes: Array.from({ length: 200_000 }, (_, i) => ({ id: `n${i}`, kind: 'trigger', eventTypes: ['page_view'] })) };
    let deep: any = { fact: 'event.url', operator: 'equal', value: '/' };
    for (let i = 0; i < 10_000; i++) deep = { match: 'all', conditions: [deep] };
    const nested = { ...base, nodes: [...base.nodes, { id: 'c', kind: 'condition', match: 'all', conditions: [deep] }] };
    const polluted = JSON.parse(`{"name":"x","scores":[],"nodes":[{"id":"a","kind":"trigger","constructor":{"prototype":{"bad":1}}}],"edges":[]}`);
    const long = { ...base, name: 'x'.repeat(1_000_000) };
    const started = performance.now();
    expect(codes(huge)).toEqual([['too_large', undefined]]);
    expect(codes(nested)).toEqual([['too_deep', undefined]]);
    expect(codes(polluted)).toEqual([['forbidden_key', undefined]]);
    expect(codes(long)).toEqual([['too_long', undefined]]);
    // Refused in the cheap pre-check; no schema parsing of the bulk.
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('refuses keys no document store can hold, naming where they are', () => {
    for (const key of ['$where', 'a.b', 'nul\0key']) {
      const input = { ...base, nodes: [{ ...base.nodes[0], [key]: 1 }, ...base.nodes.slice(1)] };
      const result = validateGraph(input);
      expect(result.ok).toBe(false);
      expect(result.issues).toEqual([expect.objectContaining({ code: 'forbidden_key', path: ['nodes', 0, key], message: expect.stringMatching(/cannot be stored/) })]);
    }
  });

  it('limits condition nesting inside the allowed document depth', () => {
    let group: any = { fact: 'event.url', operator: 'equal', value: '/' };
    for (let i = 0; i < 7; i++) group = { match: 'all', conditions: [group] };
    const input = graph({
      nodes: [...base.nodes, { id: 'c', kind: 'condition', match: 'all', conditions: [group] }, { id: 'p2', kind: 'points', score: 'engagement', points: 1 }],
      edges: [...base.edges, { id: 'e3', source: 't', target: 'c' }, { id: 'e4', source: 'c', target: 'p2' }],
    });
    expect(codes(input)).toContainEqual(['too_deep', 'c']);
  });
});

describe('validateGraph: declared attributes and predictive scores', () => {
  const fitted = (patch: Partial<RuleGraphInput>): RuleGraphInput =>
    graph({
      scores: [
        { id: 'engagement', label: 'Engagement' },
        { id: 'predictive', label: 'Predicted conversion', min: 0, max: 100 },
      ],
      attributes: [
        { id: 'totalVisits', label: 'TotalVisits', type: 'number' },
        { id: 'city', label: 'City', type: 'string' },
      ],
      nodes: [
        ...base.nodes,
        { id: 'visits-set', kind: 'trigger', attributes: ['lead.totalVisits'] },
        { id: 'many-visits', kind: 'condition', match: 'all', conditions: [{ fact: 'lead.totalVisits', operator: 'greaterThanInclusive', value: 5 }] },
        { id: 'many-visits-points', kind: 'points', score: 'engagement', points: 10 },
      ],
      edges: [...base.edges, { id: 'e3', source: 'visits-set', target: 'many-visits' }, { id: 'e4', source: 'many-visits', target: 'many-visits-points' }],
      predictive: [
        {
          score: 'predictive',
          intercept: -0.5,
          terms: [
            { kind: 'linear', fact: 'lead.totalVisits', weight: 0.4, center: 3, scale: 2, lower: 0, upper: 20 },
            { kind: 'when', match: 'all', conditions: [{ fact: 'lead.city', operator: 'equal', value: 'Mumbai' }], weight: 0.2 },
            { kind: 'when', match: 'all', conditions: [{ fact: 'lead.totalVisits', operator: 'isKnown', value: false }], weight: -0.3 },
          ],
        },
      ],
      ...patch,
    });

  it('lets rules and predictive terms test attributes the model declares', () => {
    expect(validateGraph(fitted({}))).toMatchObject({ ok: true, issues: [] });
  });

  it('refuses attributes neither in the catalogue nor declared, and redeclared catalogue ones', () => {
    expect(codes(fitted({ attributes: [{ id: 'city', label: 'City', type: 'string' }] }))).toEqual([
      ['unknown_attribute', 'visits-set'],
      ['unknown_fact', 'many-visits'],
      // Both predictive terms on the visits: the linear one and "visits unknown".
      ['unknown_fact', undefined],
      ['unknown_fact', undefined],
    ]);
    expect(codes(fitted({ attributes: [...fitted({}).attributes!, { id: 'country', label: 'Country', type: 'string' }] }))).toEqual([['duplicate_attribute', undefined]]);
  });

  it('checks operators and values against a declared attribute type', () => {
    const input = fitted({});
    (input.nodes.find((n) => n.id === 'many-visits') as { conditions: unknown[] }).conditions = [{ fact: 'lead.city', operator: 'greaterThan', value: 3 }];
    expect(codes(input)).toEqual([['operator_mismatch', 'many-visits']]);
  });

  it('locates problems of predictive scores', () => {
    const input = fitted({});
    input.nodes.push({ id: 'sneaky', kind: 'points', score: 'predictive', points: 5 });
    input.edges.push({ id: 'e5', source: 'visits-set', target: 'sneaky' });
    const section = input.predictive![0]!;
    section.terms.push(
      { kind: 'linear', fact: 'lead.city', weight: 1, center: 0, scale: 1 },
      { kind: 'linear', fact: 'lead.totalVisits', weight: 1, center: 0, scale: 1, lower: 5, upper: 1 },
      { kind: 'when', match: 'all', conditions: [{ fact: 'event.url', operator: 'equal', value: '/pricing' }], weight: 1 },
    );
    input.predictive!.push({ score: 'nowhere', intercept: 0, terms: [] });
    const result = validateGraph(input);
    expect(result.ok).toBe(false);
    expect(result.issues.map((i) => [i.code, i.nodeId ?? i.path?.join('.')])).toEqual([
      ['predictive_score_points', 'sneaky'],
      ['operator_mismatch', 'predictive.0.terms.3'],
      ['invalid_bounds', 'predictive.0.terms.4'],
      ['lead_fact_only', 'predictive.0.terms.5'],
      ['unknown_score', 'predictive.1'],
    ]);
  });
});

describe('validateGraph: value maps', () => {
  const problems = (valueMaps: RuleGraphInput['valueMaps'], attributes?: RuleGraphInput['attributes']) =>
    validateGraph(graph({ valueMaps, ...(attributes && { attributes }) })).issues.map((i) => [i.code, i.path?.join('.')]);

  it('accepts maps of text attributes, catalogue or declared, and compiles them with folded keys', () => {
    expect(problems([{ attribute: 'lead.seniority', values: [{ from: ['C - Level', 'CXO'], to: 'c_level' }] }, { attribute: 'lead.crmStage', values: [{ from: ['SQL '], to: 'sql' }] }], [{ id: 'crmStage', label: 'CRM stage', type: 'string' }])).toEqual([]);
    expect(compileGraph(graph({ valueMaps: [{ attribute: 'lead.seniority', values: [{ from: ['C  - Level', 'CXO', '__proto__'], to: 'c_level' }] }] })).valueMaps).toEqual([
      { attribute: 'seniority', values: { 'c - level': 'c_level', cxo: 'c_level', ['__proto__']: 'c_level' } },
    ]);
    expect(compileGraph(graph({})).valueMaps).toBeUndefined();
  });

  it('refuses unknown and non-text attributes, two maps for one attribute, and a value mapped two ways', () => {
    expect(problems([
      { attribute: 'lead.nope', values: [{ from: ['a'], to: 'b' }] },
      { attribute: 'lead.companySize', values: [{ from: ['big'], to: '1000' }] },
      { attribute: 'lead.industry', values: [{ from: ['SaaS'], to: 'software' }] },
      { attribute: 'lead.industry', values: [{ from: ['Software'], to: 'software' }, { from: ['software '], to: 'tech' }] },
    ])).toEqual([
      ['unknown_attribute', 'valueMaps.0'],
      ['operator_mismatch', 'valueMaps.1'],
      ['duplicate_value_map', 'valueMaps.3'],
      ['conflicting_value_map', 'valueMaps.3.values.1'],
    ]);
  });
});
