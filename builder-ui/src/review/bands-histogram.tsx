/**
 * How many leads sit in each score band, the bands at or above the proposed value in colour:
 * the leads the proposed threshold would hand to sales.
 */
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ScoreBand } from '../api/client';

const IN = '#2454c5';
const PARTLY = '#9db7f2';
const OUT = '#c3cad6';

export function BandsHistogram({ bands, current, proposed }: { bands: readonly ScoreBand[]; current: number; proposed: number }) {
  if (bands.length === 0) return null;
  const data = bands.map((band) => ({ band: `${band.from}–${band.to}`, leads: band.leads, from: band.from, to: band.to }));
  const atOrAbove = bands.filter((band) => band.from >= proposed).reduce((sum, band) => sum + band.leads, 0);
  return (
    <figure className="lf-chart" data-testid="review-histogram" aria-label={`Leads by score band: ${bands.length} bands; the threshold is ${current} now, ${proposed} proposed`}>
      <ResponsiveContainer width="100%" height={200}>
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e4e8ef" vertical={false} />
          <XAxis dataKey="band" fontSize={11} />
          <YAxis fontSize={11} width={36} allowDecimals={false} />
          <Tooltip />
          <Bar dataKey="leads" name="Leads" isAnimationActive={false}>
            {data.map((band) => (
              <Cell key={band.from} fill={band.from >= proposed ? IN : band.to > proposed ? PARTLY : OUT} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="lf-muted lf-small">
        Leads by score band. In colour: bands at or above the proposed value {proposed} ({atOrAbove} lead{atOrAbove === 1 ? '' : 's'} in whole bands); today's value is {current}.
      </figcaption>
    </figure>
  );
}
