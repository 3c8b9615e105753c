import { describe, expect, it } from 'vitest';
import { defaultViewport, NODE_NAME_PX, READABLE_ZOOM } from './default-viewport';

const pane = { width: 800, height: 600 };

describe('defaultViewport', () => {
  it('shows a small graph whole, centred, never above zoom 1', () => {
    const view = defaultViewport({ x: 0, y: 0, width: 400, height: 200 }, pane);
    expect(view.zoom).toBe(1);
    expect(view).toMatchObject({ x: 200, y: 200 });
  });

  it('opens a big graph at its top left corner with names at least 10 px on screen', () => {
    const view = defaultViewport({ x: -50, y: 100, width: 3000, height: 5000 }, pane, 24);
    expect(view.zoom).toBe(READABLE_ZOOM);
    expect(view.zoom * NODE_NAME_PX).toBeGreaterThanOrEqual(10);
    // The graph's corner lands at the padding.
    expect(-50 * view.zoom + view.x).toBeCloseTo(24);
    expect(100 * view.zoom + view.y).toBeCloseTo(24);
  });
});
