/**
 * Moving the selection with the arrow keys: from a node to the nearest node whose centre lies in
 * that direction (within a 45° cone either side), nearer along the direction counting less than
 * off to the side, so that Right walks along a row and Down walks down a column.
 */
export type Direction = 'left' | 'right' | 'up' | 'down';

export interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

const ARROWS: Readonly<Record<string, Direction>> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };

/** The direction an arrow key names, if it is one. */
export function directionOf(key: string): Direction | undefined {
  return ARROWS[key];
}

/** The id of the nearest box from `from` in `direction`, or undefined when there is none that way. */
export function nearestInDirection(from: Box, direction: Direction, boxes: readonly Box[]): string | undefined {
  const centre = (box: Box) => ({ x: box.x + box.width / 2, y: box.y + box.height / 2 });
  const start = centre(from);
  let best: { id: string; cost: number } | undefined;
  for (const box of boxes) {
    if (box.id === from.id) continue;
    const c = centre(box);
    const dx = c.x - start.x;
    const dy = c.y - start.y;
    const along = direction === 'right' ? dx : direction === 'left' ? -dx : direction === 'down' ? dy : -dy;
    const across = Math.abs(direction === 'left' || direction === 'right' ? dy : dx);
    if (along <= 0 || across > along) continue;
    // Off-axis distance weighs more, so the step stays in the row or column where there is one.
    const cost = along + 2 * across;
    if (!best || cost < best.cost) best = { id: box.id, cost };
  }
  return best?.id;
}
