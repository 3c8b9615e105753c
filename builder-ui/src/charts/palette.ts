/**
 * One colour per score, on every screen: a score keeps its colour whatever order a model, a lead
 * or a report lists its scores in. Fit and engagement, the scores of most models, have fixed
 * colours; any other score id gets one of the rest by its name.
 */
const FIXED: Readonly<Record<string, string>> = { fit: '#2454c5', engagement: '#2f9e55' };
const OTHERS = ['#c2185b', '#b54708', '#6a3fc2', '#0e7490', '#7c5e10', '#5b6577'];

/** The total, drawn in the page's ink. */
export const TOTAL_COLOUR = '#1d2433';
/** Thresholds drawn on a chart. */
export const THRESHOLD_COLOUR = '#b42318';

/** The colour of score `id`: the same on every screen. */
export function scoreColour(id: string): string {
  const fixed = FIXED[id];
  if (fixed) return fixed;
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return OTHERS[hash % OTHERS.length] as string;
}
