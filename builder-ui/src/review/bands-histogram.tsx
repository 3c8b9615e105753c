/**
 * How many leads sit in each score band, every band of the span on the axis (empty ones too), the
 * bands at or above the proposed value in colour: the leads the proposed threshold would hand to
 * sales. A line marks the proposed value, a dashed one today's.
 */
import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ScoreBand } from '../api/client';
import { THRESHOLD_COLOUR } from '../charts/palette';
import { bandsOnAxis, widthOf } from './bands-axis';

const IN = '#2454c5';
const PARTLY = '#9db7f2';
const OUT = '#c3cad6';
const TODAY = '#5b6577';

export function BandsHistogram({ bands, current, proposed }: { bands: readonly ScoreBand[]; current: number; proposed: number }) {
  if (bands.length === 0) return null;
  const width = widthOf(bands);
  const axis = bandsOnAxis(bands, width, [current, proposed]);
  const data = axis.map((band) => ({ band: `${band.from}–${band.to}`, leads: band.leads, from: band.from, to: band.to }));
  const atOrAbove = bands.filter((band) => band.from >= proposed).reduce((sum, band) => sum + band.leads, 0);
  const low = axis[0]?.from ?? 0;
  const high = axis.at(-1)?.to ?? width;
  return (
    <figure
      className="lf-chart"
      data-testid="review-histogram"
      data-bands={data.map((band) => band.from).join(',')}
      data-proposed={proposed}
      aria-label={`Leads by score band, ${low} to ${high}: ${axis.length} bands; the threshold is ${current} now, ${proposed} proposed`}
    >
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={data} margin={{ top: 20, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e4e8ef" vertical={false} />
          <XAxis xAxisId="band" dataKey="band" fontSize={11} interval="preserveStartEnd" />
          {/* The bands side by side span [low, high] evenly, so a score maps onto this hidden axis at its place among them. */}
          <XAxis xAxisId="score" dataKey="from" type="number" domain={[low, high]} hide allowDataOverflow />
          <YAxis fontSize={11} width={36} allowDecimals={false} />
          <Tooltip />
          <Bar xAxisId="band" dataKey="leads" name="Leads" isAnimationActive={false}>
            {data.map((band) => (
              <Cell key={band.from} fill={band.from >= proposed ? IN : band.to > proposed ? PARTLY : OUT} />
            ))}
          </Bar>
          {current !== proposed && (
            <ReferenceLine xAxisId="score" x={current} stroke={TODAY} strokeDasharray="4 4" label={{ value: `Today ${current}`, fontSize: 11, fill: TODAY, position: 'insideTopLeft' }} />
          )}
          <ReferenceLine xAxisId="score" x={proposed} stroke={THRESHOLD_COLOUR} strokeWidth={2} label={{ value: `Proposed ${proposed}`, fontSize: 11, fill: THRESHOLD_COLOUR, position: 'top' }} />
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="lf-muted lf-small">
        Leads by score band, every band from {low} to {high}. In colour: bands at or above the proposed value {proposed} ({atOrAbove} lead{atOrAbove === 1 ? '' : 's'} in whole bands), marked by
        the red line; today's value is {current}.
      </figcaption>
    </figure>
  );
}
