/** Numbers as the calibration screen shows them. */

/** A share as a percentage: 0.3856 → "38.6 %". */
export function pct(share: number, digits = 1): string {
  return `${(share * 100).toFixed(digits)} %`;
}

/** A count with thousands separators: 9240 → "9,240". */
export function count(value: number): string {
  return value.toLocaleString('en');
}
