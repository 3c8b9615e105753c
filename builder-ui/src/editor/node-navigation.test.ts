import { describe, expect, it } from 'vitest';
import { directionOf, nearestInDirection, type Box } from './node-navigation';

const box = (id: string, x: number, y: number): Box => ({ id, x, y, width: 200, height: 80 });
// Two columns of three, like a trigger column and a points column.
const grid = [box('a1', 0, 0), box('a2', 0, 100), box('a3', 0, 200), box('b1', 300, 0), box('b2', 300, 100), box('b3', 300, 200)];
const from = (id: string) => grid.find((b) => b.id === id)!;

describe('nearestInDirection', () => {
  it('walks along a row and down a column', () => {
    expect(nearestInDirection(from('a2'), 'right', grid)).toBe('b2');
    expect(nearestInDirection(from('b2'), 'left', grid)).toBe('a2');
    expect(nearestInDirection(from('a1'), 'down', grid)).toBe('a2');
    expect(nearestInDirection(from('b3'), 'up', grid)).toBe('b2');
  });

  it('answers nothing at the edge of the graph', () => {
    expect(nearestInDirection(from('a2'), 'left', grid)).toBeUndefined();
    expect(nearestInDirection(from('b1'), 'up', grid)).toBeUndefined();
  });

  it('prefers a node level with the start to a nearer one far off to the side', () => {
    const boxes = [box('start', 0, 0), box('diagonal', 250, 200), box('level', 600, 0)];
    expect(nearestInDirection(boxes[0]!, 'right', boxes)).toBe('level');
  });

  it('knows the arrow keys', () => {
    expect(directionOf('ArrowUp')).toBe('up');
    expect(directionOf('Enter')).toBeUndefined();
  });
});
