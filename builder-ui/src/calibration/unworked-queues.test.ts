import { describe, expect, it } from 'vitest';
import { unworkedQueues } from './unworked-queues';

const route = (queue: string, team: string, escalateTo?: string) => ({ kind: 'route', queue, team, ...(escalateTo && { escalateTo }) });

describe('queues no sales key works', () => {
  it('are the routes’ queues and escalation queues the worked list lacks', () => {
    const graph = { nodes: [{ kind: 'trigger' }, route('sales', 'Sales', 'managers'), route('inbound-sales', 'Inbound', 'sales')] };
    expect(unworkedQueues(graph, [{ queue: 'inbound-sales', keys: 3 }])).toEqual([
      { queue: 'managers', teams: ['Sales'], via: ['escalation'] },
      { queue: 'sales', teams: ['Sales', 'Inbound'], via: ['route', 'escalation'] },
    ]);
  });

  it('are none when every queue is worked, and a queue with no keys is not worked', () => {
    expect(unworkedQueues({ nodes: [route('sales', 'Sales')] }, [{ queue: 'sales', keys: 1 }])).toEqual([]);
    expect(unworkedQueues({ nodes: [route('sales', 'Sales')] }, [{ queue: 'sales', keys: 0 }]).map((q) => q.queue)).toEqual(['sales']);
  });
});
