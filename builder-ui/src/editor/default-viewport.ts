/**
 * The view a model opens at: all of it when that is readable, else the start of the flow (its top
 * left corner) at the smallest zoom where node names stay readable; the minimap reaches the rest.
 */

/** The canvas font size of a node's name, in CSS pixels at zoom 1 (flow-node.tsx sets it). */
export const NODE_NAME_PX = 12;
/** The smallest on-screen size a node's name may have in the default view. */
export const READABLE_PX = 10.5;
export const READABLE_ZOOM = READABLE_PX / NODE_NAME_PX;

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The viewport ({x, y} translation and zoom, as React Flow takes it) to open `bounds` in a pane of `pane` size. */
export function defaultViewport(bounds: Bounds, pane: { width: number; height: number }, padding = 24): { x: number; y: number; zoom: number } {
  const fit = Math.min((pane.width - 2 * padding) / Math.max(bounds.width, 1), (pane.height - 2 * padding) / Math.max(bounds.height, 1), 1);
  if (fit >= READABLE_ZOOM) {
    return { x: (pane.width - bounds.width * fit) / 2 - bounds.x * fit, y: (pane.height - bounds.height * fit) / 2 - bounds.y * fit, zoom: fit };
  }
  return { x: padding - bounds.x * READABLE_ZOOM, y: padding - bounds.y * READABLE_ZOOM, zoom: READABLE_ZOOM };
}
