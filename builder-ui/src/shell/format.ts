/** How the screens write numbers, rates, instants and durations. */

/** 0.4567 → "45.7%"; null (nothing to divide by) → "–". */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '–';
  return `${(Math.round(rate * 1000) / 10).toLocaleString('en-US')}%`;
}

/** An instant as a person reads it, in their time zone; "–" for none. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  return new Date(iso).toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** A chart tick: the day, and the time when the span is short. */
export function shortDate(ms: number, withTime: boolean): string {
  return new Date(ms).toLocaleString('en-GB', withTime ? { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' } : { day: 'numeric', month: 'short' });
}

/** A length of time: "2 d 4 h", "3 h 5 min", "12 min 30 s", "40 s". */
export function duration(ms: number): string {
  const seconds = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  const secs = seconds % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes > 0) return secs > 0 ? `${minutes} min ${secs} s` : `${minutes} min`;
  return `${secs} s`;
}

/** Hours as the dashboard shows time to SQL: "36 h" or "2.5 d"; "–" for none. */
export function hours(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (value >= 48) return `${Math.round((value / 24) * 10) / 10} d`;
  return `${Math.round(value * 10) / 10} h`;
}

/** "+20" / "-10" / "0". */
export function signed(points: number): string {
  return points > 0 ? `+${points}` : String(points);
}

/** page_view → "page view". */
export function words(id: string): string {
  return id.replace(/_/g, ' ');
}
