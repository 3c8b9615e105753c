/**
 * A threshold node's label often states its value ("Marketing-qualified at 60"); when the value
 * changes (a review, an edit), the label must say the new one, or sales reads "score 75 reached
 * threshold 70 (Marketing-qualified at 60)".
 */

/**
 * `label` with each standalone mention of `from` (as a whole number, not part of another)
 * replaced by `to`; unchanged when it does not mention `from` or the value did not change.
 */
export function relabelThreshold(label: string, from: number, to: number): string {
  if (from === to) return label;
  const pattern = new RegExp(`(?<![\\d.])${String(from).replace('.', '\\.')}(?![\\d.]*\\d)`, 'g');
  return label.replace(pattern, String(to));
}
