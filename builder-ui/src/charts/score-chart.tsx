/**
 * Scores over time as step lines, one per score and one for the total: what the Simulate screen
 * and a lead's page draw. Points carry the time under `TIME` and the total under `TOTAL`, keys no
 * score id can take (score ids start with a letter).
 */
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { shortDate } from '../shell/format';
import { scoreColour, THRESHOLD_COLOUR, TOTAL_COLOUR } from './palette';

export const TIME = '_t';
export const TOTAL = '_total';

/** One moment of the chart: epoch ms under TIME, each score under its id, the sum under TOTAL. */
export type ScorePoint = Record<string, number>;

const DAY_MS = 86_400_000;

export function ScoreChart({
  points,
  scores,
  label,
  testId,
  thresholds = [],
  height = 260,
}: {
  points: readonly ScorePoint[];
  /** Score ids with their labels, in the model's order. */
  scores: ReadonlyArray<{ id: string; label: string }>;
  /** What the chart shows, for people who cannot see it. */
  label: string;
  testId: string;
  /** Horizontal lines to draw, such as the MQL threshold. */
  thresholds?: ReadonlyArray<{ value: number; label: string }>;
  height?: number;
}) {
  const first = points[0]?.[TIME] ?? 0;
  const last = points.at(-1)?.[TIME] ?? 0;
  const withTime = last - first < 3 * DAY_MS;
  return (
    <figure className="lf-chart" data-testid={testId} aria-label={label} data-points={points.length} data-start={first} data-end={last}>
      <ResponsiveContainer width="100%" height={height}>
        <LineChart data={points as ScorePoint[]} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e4e8ef" />
          <XAxis dataKey={TIME} type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={(ms: number) => shortDate(ms, withTime)} fontSize={11} />
          <YAxis fontSize={11} width={40} allowDecimals={false} />
          <Tooltip labelFormatter={(ms) => shortDate(Number(ms), true)} />
          <Legend />
          {thresholds.map((threshold) => (
            <ReferenceLine key={`${threshold.label}-${threshold.value}`} y={threshold.value} stroke={THRESHOLD_COLOUR} strokeDasharray="4 4" label={{ value: threshold.label, fontSize: 11, fill: THRESHOLD_COLOUR, position: 'insideTopLeft' }} />
          ))}
          {scores.map((score) => (
            <Line key={score.id} type="stepAfter" dataKey={score.id} name={score.label} stroke={scoreColour(score.id)} dot={{ r: 2 }} isAnimationActive={false} />
          ))}
          <Line type="stepAfter" dataKey={TOTAL} name="Total" stroke={TOTAL_COLOUR} strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
