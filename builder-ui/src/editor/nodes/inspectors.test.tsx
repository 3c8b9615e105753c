// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeSchema, ruleGraphSchema, type GraphNode, type NodeKind, type NodeOfKind } from '../../../../rules/graph.schema';
import { b2bDefaultGraph } from '../../../../rules/templates';
import { checkConditions } from '../../../../rules/validate-conditions';
import { validateGraph } from '../../../../rules/validate-graph';
import { settingsFieldIssues } from '../inspector-panel';
import { ModelSettings } from '../model-settings';
import { FieldIssuesProvider } from './field-issues';
import { NODE_KINDS, NODE_SPECS, NodeInspector, summarize } from './registry';
import type { SpecContext } from './specification';

afterEach(cleanup);

const model = ruleGraphSchema.parse(b2bDefaultGraph);
const context: SpecContext = { scores: model.scores, segments: model.segments };

/** Renders the inspector of a fresh `kind` node, as the palette would drop it, and keeps its latest edit. */
function inspect<K extends NodeKind>(kind: K, given: SpecContext = context) {
  let latest = { id: `${kind}-1`, position: { x: 0, y: 0 }, ...NODE_SPECS[kind].create(given) } as unknown as NodeOfKind<K>;
  function Harness() {
    const [node, setNode] = useState<GraphNode>(latest);
    return (
      <NodeInspector
        node={node}
        context={given}
        onChange={(next) => {
          latest = next as NodeOfKind<K>;
          setNode(next);
        }}
      />
    );
  }
  render(<Harness />);
  return { user: userEvent.setup(), node: () => latest, field: (name: string) => screen.getByTestId(`field-${name}`) };
}

/** The node parsed by the schema; fails the test with zod's message when it is not valid. */
function parsed(node: GraphNode) {
  const result = nodeSchema.safeParse(node);
  expect(result.error?.issues ?? []).toEqual([]);
  return result.data as GraphNode;
}

describe('node specifications', () => {
  it('cover every node kind of the schema', () => {
    const schemaKinds = nodeSchema.options.map((option) => option.shape.kind.value);
    expect([...NODE_KINDS].sort()).toEqual([...schemaKinds].sort());
    for (const kind of NODE_KINDS) expect(NODE_SPECS[kind].kind).toBe(kind);
  });

  it('summarise each template node in a line', () => {
    const byId = new Map(model.nodes.map((n) => [n.id, n]));
    expect(summarize(byId.get('key-page-points')!)).toBe('Key page visit · +20 engagement');
    expect(summarize(byId.get('mql-enterprise')!)).toBe('Enterprise: qualified at 80 · total ≥ 80 → MQL (enterprise)');
    expect(summarize(byId.get('key-page')!)).toBe('Pricing or demo page · Page URL starts with /pricing or Page URL starts with /demo');
    expect(summarize(byId.get('frequent')!)).toBe('10+ page views in 30 days · Number of page view events in the last 30 days is at least 10');
    expect(summarize(byId.get('decay-web')!)).toBe('No website visit: -15 after 45 days · engagement, web channel, -15 after 45 days');
  });
});

describe('node inspectors', () => {
  it('trigger: a new trigger asks for an event; choosing events and attributes makes it valid', async () => {
    const { user, node, field } = inspect('trigger');
    expect(nodeSchema.safeParse(node()).error?.issues[0]?.message).toBe('choose at least one event type or attribute');
    await user.click(field('eventTypes-page_view'));
    await user.click(field('eventTypes-form_submit'));
    await user.click(field('attributes-lead.title'));
    await user.click(field('eventTypes-page_view'));
    await user.clear(field('label'));
    await user.type(field('label'), 'Form or title');
    expect(parsed(node())).toMatchObject({ kind: 'trigger', label: 'Form or title', eventTypes: ['form_submit'], attributes: ['lead.title'] });
  });

  it('condition: edits match, facts, operators, values, derived-fact parameters and nested groups', async () => {
    const { user, node, field } = inspect('condition');
    await user.selectOptions(field('match'), 'any');
    await user.type(field('conditions-0-value'), '/pricing');

    await user.click(field('conditions-add'));
    await user.selectOptions(field('conditions-1-fact'), 'derived.eventCount');
    await user.selectOptions(field('conditions-1-params-eventType'), 'content_download');
    await user.clear(field('conditions-1-params-days'));
    await user.type(field('conditions-1-params-days'), '14');
    await user.selectOptions(field('conditions-1-operator'), 'greaterThanInclusive');
    await user.clear(field('conditions-1-value'));
    await user.type(field('conditions-1-value'), '3');

    await user.click(field('conditions-add-group'));
    await user.selectOptions(field('conditions-2-match'), 'all');
    await user.selectOptions(field('conditions-2-conditions-0-fact'), 'lead.industry');
    await user.selectOptions(field('conditions-2-conditions-0-operator'), 'in');
    await user.type(field('conditions-2-conditions-0-value'), 'software, finance');

    await user.click(field('conditions-add'));
    await user.click(field('conditions-3-remove'));

    const condition = parsed(node()) as NodeOfKind<'condition'>;
    expect(condition).toMatchObject({
      match: 'any',
      conditions: [
        { fact: 'event.url', operator: 'startsWith', value: '/pricing' },
        { fact: 'derived.eventCount', operator: 'greaterThanInclusive', value: 3, params: { eventType: 'content_download', days: 14 } },
        { match: 'all', conditions: [{ fact: 'lead.industry', operator: 'in', value: ['software', 'finance'] }] },
      ],
    });
    expect(checkConditions(condition, 'scoring')).toEqual([]);
  });

  it('condition: offers only the operators that fit the fact, and reshapes the value to match', async () => {
    const { user, node, field } = inspect('condition');
    await user.selectOptions(field('conditions-0-fact'), 'lead.companySize');
    const operators = [...(field('conditions-0-operator') as HTMLSelectElement).options].map((o) => o.value);
    expect(operators).toContain('greaterThan');
    expect(operators).not.toContain('startsWith');
    const shown = [...(field('conditions-0-operator') as HTMLSelectElement).options].map((o) => o.textContent);
    expect(shown).toEqual(expect.arrayContaining(['at least', 'more than', 'is filled in']));
    expect(shown.join(' ')).not.toMatch(/greaterThan|isKnown/);
    await user.selectOptions(field('conditions-0-operator'), 'greaterThanInclusive');
    await user.clear(field('conditions-0-value'));
    await user.type(field('conditions-0-value'), '1000');
    await user.selectOptions(field('conditions-0-fact'), 'lead.isCustomer');
    await user.selectOptions(field('conditions-0-value'), 'false');
    const condition = parsed(node()) as NodeOfKind<'condition'>;
    expect(condition.conditions[0]).toEqual({ fact: 'lead.isCustomer', operator: 'equal', value: false });
    expect(checkConditions(condition, 'scoring')).toEqual([]);
  });

  it('points: score, negative points and limits; clearing a limit removes it', async () => {
    const { user, node, field } = inspect('points');
    await user.selectOptions(field('score'), 'fit');
    await user.clear(field('points'));
    await user.type(field('points'), '-15');
    await user.click(field('limits-oncePerLead'));
    await user.type(field('limits-maxTimes'), '3');
    await user.type(field('limits-windowDays'), '30');
    await user.type(field('limits-repeatBonus'), '5');
    await user.clear(field('limits-repeatBonus'));
    expect(parsed(node())).toMatchObject({ kind: 'points', score: 'fit', points: -15, limits: { oncePerLead: true, maxTimes: 3, windowDays: 30 } });
    expect((node() as NodeOfKind<'points'>).limits).not.toHaveProperty('repeatBonus');

    await user.click(field('limits-oncePerLead'));
    await user.clear(field('limits-maxTimes'));
    await user.clear(field('limits-windowDays'));
    expect(parsed(node())).not.toHaveProperty('limits');
  });

  it('decay: channel, each mode with its own fields, and the floor', async () => {
    const { user, node, field } = inspect('decay');
    await user.selectOptions(field('channel'), 'web');
    await user.selectOptions(field('rule-mode'), 'once');
    await user.clear(field('rule-amount'));
    await user.type(field('rule-amount'), '15');
    await user.clear(field('rule-afterDays'));
    await user.type(field('rule-afterDays'), '60');
    expect(parsed(node())).toMatchObject({ channel: 'web', rule: { mode: 'once', amount: 15, afterDays: 60 } });

    await user.selectOptions(field('rule-mode'), 'half_life');
    expect(screen.queryByTestId('field-rule-amount')).toBeNull();
    await user.clear(field('rule-halfLifeDays'));
    await user.type(field('rule-halfLifeDays'), '90');
    await user.clear(field('floor'));
    await user.type(field('floor'), '5');
    expect(parsed(node())).toMatchObject({ kind: 'decay', score: 'engagement', rule: { mode: 'half_life', halfLifeDays: 90 }, floor: 5 });
  });

  it('threshold: value, segment, and a sum of scores', async () => {
    const { user, node, field } = inspect('threshold');
    await user.clear(field('value'));
    await user.type(field('value'), '80');
    await user.selectOptions(field('segment'), 'enterprise');
    await user.selectOptions(field('score'), 'fit');
    expect(parsed(node())).toMatchObject({ score: 'fit', value: 80, stage: 'mql', segment: 'enterprise' });

    await user.selectOptions(field('score'), '__sum');
    expect(parsed(node())).toMatchObject({ score: ['fit', 'engagement'] });
    await user.selectOptions(field('segment'), '');
    expect(parsed(node())).not.toHaveProperty('segment');
  });

  it('grade: scores, bands and the grades handed to sales', async () => {
    const { user, node, field } = inspect('grade');
    await user.clear(field('fitBands-0'));
    await user.type(field('fitBands-0'), '70');
    await user.clear(field('engagementBands-2'));
    await user.type(field('engagementBands-2'), '10');
    await user.click(field('salesReady-B1'));
    await user.click(field('salesReady-A3'));
    expect(parsed(node())).toMatchObject({ fitScore: 'fit', engagementScore: 'engagement', fitBands: [70, 40, 20], engagementBands: [60, 40, 10], salesReady: ['A1', 'A2', 'A3'] });
  });

  it('route: team, queue, owners with weights, SLA and escalation', async () => {
    const { user, node, field } = inspect('route');
    await user.clear(field('team'));
    await user.type(field('team'), 'Enterprise');
    await user.selectOptions(field('queue'), 'Another queue…');
    await user.clear(field('queue-new'));
    await user.type(field('queue-new'), 'enterprise');
    await user.selectOptions(field('strategy'), 'weighted');
    await user.click(field('owners-add'));
    await user.type(field('owners-0-id'), 'ana');
    await user.clear(field('owners-0-weight'));
    await user.type(field('owners-0-weight'), '3');
    await user.click(field('owners-add'));
    await user.type(field('owners-1-id'), 'ben');
    await user.click(field('owners-add'));
    await user.click(field('owners-2-remove'));
    await user.clear(field('slaHours'));
    await user.type(field('slaHours'), '8');
    await user.selectOptions(field('escalateTo'), 'Another queue…');
    await user.type(field('escalateTo-new'), 'inbound-sales');
    expect(parsed(node())).toEqual({
      id: 'route-1',
      position: { x: 0, y: 0 },
      kind: 'route',
      label: 'New route',
      team: 'Enterprise',
      queue: 'enterprise',
      strategy: 'weighted',
      owners: [
        { id: 'ana', weight: 3 },
        { id: 'ben', weight: 1 },
      ],
      slaHours: 8,
      escalateTo: 'inbound-sales',
      maxEscalations: 1,
    });
  });

  it("route: picks queues from the model's routes and the sales keys', and warns about one nobody works", async () => {
    const queues = { inModel: ['enterprise-sales'], worked: new Map([['inbound-sales', 2], ['enterprise-sales', 1], ['emea', 1]]) };
    const { user, node, field } = inspect('route', { ...context, queues });
    const shown = [...(field('queue') as HTMLSelectElement).options].map((o) => o.textContent);
    expect(shown).toEqual(['emea · 1 sales key', 'enterprise-sales · 1 sales key', 'inbound-sales · 2 sales keys', 'Another queue…']);
    expect(screen.queryByTestId('field-queue-unworked')).toBeNull();
    await user.selectOptions(field('queue'), 'Another queue…');
    await user.clear(field('queue-new'));
    await user.type(field('queue-new'), 'inboud-sales');
    expect(node()).toMatchObject({ queue: 'inboud-sales' });
    expect(screen.getByTestId('field-queue-unworked').textContent).toContain('No sales key works the queue "inboud-sales"');
    await user.selectOptions(field('queue'), 'enterprise-sales');
    expect(node()).toMatchObject({ queue: 'enterprise-sales' });
    expect(screen.queryByTestId('field-queue-new')).toBeNull();
    expect(screen.queryByTestId('field-queue-unworked')).toBeNull();
    await user.selectOptions(field('escalateTo'), 'emea');
    expect(node()).toMatchObject({ escalateTo: 'emea' });
    await user.selectOptions(field('escalateTo'), '(none)');
    expect(node()).not.toHaveProperty('escalateTo');
  });

  it('condition: after a page view trigger, offers the properties page views carry first', async () => {
    const { field } = inspect('condition', { ...context, events: ['page_view'] });
    const groups = [...(field('conditions-0-fact') as HTMLSelectElement).querySelectorAll('optgroup')].map((group) => [
      group.label,
      [...group.querySelectorAll('option')].map((option) => option.value),
    ]);
    expect(groups.map(([label]) => label)).toEqual(['Lead attributes', 'Sent with page view events', 'Other event properties', 'Derived']);
    expect(groups[1]![1]).toEqual(['event.url', 'event.referrer', 'event.campaign', 'event.product', 'event.occurredAt']);
    expect(groups[2]![1]).toContain('event.form');
    expect((field('conditions-0-fact') as HTMLSelectElement).selectedOptions[0]?.textContent).toBe('Page URL (path)');
  });

  it('every kind: a dropped node (with its trigger events chosen) is schema-valid, and read-only forms cannot edit', () => {
    for (const kind of NODE_KINDS) {
      const node = { id: `${kind}-1`, ...NODE_SPECS[kind].create(context), ...(kind === 'trigger' && { eventTypes: ['page_view'] }) };
      expect(nodeSchema.safeParse(node).success, kind).toBe(true);
      const { unmount } = render(<NodeInspector node={node as GraphNode} context={context} onChange={() => {}} readOnly />);
      const inputs = [...document.querySelectorAll('input, select')] as Array<HTMLInputElement | HTMLSelectElement>;
      expect(inputs.length, kind).toBeGreaterThan(0);
      expect(inputs.every((input) => input.disabled), kind).toBe(true);
      unmount();
    }
  });
});

describe('model settings', () => {
  it('edits scores, segments, value maps and recycling into a schema-valid graph', async () => {
    let graph = ruleGraphSchema.parse({ name: 'Empty', scores: [{ id: 'fit', label: 'Fit' }], nodes: [], edges: [] });
    function Harness() {
      const [current, setCurrent] = useState(graph);
      return (
        <ModelSettings
          graph={current}
          onChange={(patch) => {
            graph = { ...graph, ...patch };
            setCurrent(graph);
          }}
        />
      );
    }
    render(<Harness />);
    const user = userEvent.setup();
    const field = (name: string) => screen.getByTestId(`field-${name}`);
    await user.click(field('scores-add'));
    await user.clear(field('scores-1-id'));
    await user.type(field('scores-1-id'), 'engagement');
    await user.clear(field('scores-1-label'));
    await user.type(field('scores-1-label'), 'Engagement');
    await user.type(field('scores-1-max'), '200');
    await user.click(field('segments-add'));
    await user.selectOptions(field('segments-0-conditions-0-fact'), 'lead.companySize');
    await user.selectOptions(field('segments-0-conditions-0-operator'), 'greaterThanInclusive');
    await user.clear(field('segments-0-conditions-0-value'));
    await user.type(field('segments-0-conditions-0-value'), '1000');
    await user.click(field('valueMaps-add'));
    await user.type(field('valueMaps-0-values-0-from'), 'C - Level, CXO');
    await user.type(field('valueMaps-0-values-0-to'), 'c_level');
    await user.click(field('valueMaps-0-values-add'));
    await user.type(field('valueMaps-0-values-1-from'), 'Vorstand');
    await user.type(field('valueMaps-0-values-1-to'), 'c_level');
    await user.click(field('recycle-resetScores-engagement'));
    await user.clear(field('recycle-coolDownDays'));
    await user.type(field('recycle-coolDownDays'), '30');

    const facts = [...(field('segments-0-conditions-0-fact') as HTMLSelectElement).options].map((o) => o.value);
    expect(facts.every((fact) => fact.startsWith('lead.'))).toBe(true);
    expect(ruleGraphSchema.parse(graph)).toMatchObject({
      scores: [{ id: 'fit' }, { id: 'engagement', label: 'Engagement', max: 200 }],
      segments: [{ id: 'segment-1', match: 'all', conditions: [{ fact: 'lead.companySize', operator: 'greaterThanInclusive', value: 1000 }] }],
      recycle: { resetScores: ['engagement'], coolDownDays: 30 },
      valueMaps: [{ attribute: 'lead.seniority', values: [{ from: ['C - Level', 'CXO'], to: 'c_level' }, { from: ['Vorstand'], to: 'c_level' }] }],
    });
  });
});

describe('issues on their field', () => {
  it("marks the input the validator blames, with its message under it, and leaves the others alone", () => {
    const condition: GraphNode = {
      id: 'size',
      kind: 'condition',
      match: 'all',
      conditions: [
        { fact: 'event.url', operator: 'startsWith', value: '/pricing' },
        { fact: 'lead.companySize', operator: 'startsWith', value: 'big' },
      ],
    };
    const input = { ...model, nodes: [...model.nodes, condition], edges: [...model.edges, { id: 'to-size', source: model.nodes.find((n) => n.kind === 'trigger')!.id, target: 'size' }] };
    const issues = validateGraph(input).issues.filter((issue) => issue.nodeId === 'size');
    render(<NodeInspector node={condition} context={context} issues={issues} onChange={() => undefined} />);
    const operator = screen.getByTestId('field-conditions-1-operator');
    expect(operator.getAttribute('aria-invalid')).toBe('true');
    const note = screen.getByTestId('field-conditions-1-operator-problem');
    expect(note.textContent).toBe('Condition 2: "starts with" does not apply to Company size (employees) (a number).');
    expect(operator.getAttribute('aria-describedby')).toBe(note.id);
    expect(screen.getByTestId('field-conditions-0-operator').hasAttribute('aria-invalid')).toBe(false);
    expect(screen.getByTestId('field-conditions-1-value').hasAttribute('aria-invalid')).toBe(false);
  });
});

describe("issues on the model's settings", () => {
  it("marks a segment condition's input by the issue's path", () => {
    const graph = ruleGraphSchema.parse({
      ...b2bDefaultGraph,
      segments: [{ id: 'enterprise', label: 'Enterprise', match: 'all', conditions: [{ fact: 'lead.companySize', operator: 'greaterThanInclusive', value: 'huge' }] }],
    });
    const issues = settingsFieldIssues(validateGraph(graph).issues);
    render(
      <FieldIssuesProvider issues={issues}>
        <ModelSettings graph={graph} onChange={() => undefined} />
      </FieldIssuesProvider>,
    );
    expect(screen.getByTestId('field-segments-0-conditions-0-value').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('field-segments-0-conditions-0-value-problem').textContent).toBe('Segment "Enterprise": Condition 1: Company size (employees) needs a number.');
  });
});
