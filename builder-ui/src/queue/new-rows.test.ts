import { describe, expect, it } from 'vitest';
import { nextRows } from './new-rows';

describe('new rows of a live list', () => {
  it('marks nothing on the first answer, then the rows that arrive later, until they leave the list', () => {
    const first = nextRows(null, 'inbound/pending', ['a:1', 'b:1']);
    expect([...first.fresh]).toEqual([]);
    const second = nextRows(first, 'inbound/pending', ['a:1', 'b:1', 'c:1']);
    expect([...second.fresh]).toEqual(['c:1']);
    const third = nextRows(second, 'inbound/pending', ['b:1', 'c:1', 'd:1']);
    expect([...third.fresh]).toEqual(['c:1', 'd:1']);
    // A row that left and comes back is not new again.
    expect([...nextRows(third, 'inbound/pending', ['a:1', 'c:1']).fresh]).toEqual(['c:1']);
  });

  it('starts afresh in another queue or status', () => {
    const inbound = nextRows(nextRows(null, 'inbound/pending', ['a:1']), 'inbound/pending', ['a:1', 'b:1']);
    expect([...inbound.fresh]).toEqual(['b:1']);
    expect([...nextRows(inbound, 'inbound/accepted', ['x:1']).fresh]).toEqual([]);
  });
});
