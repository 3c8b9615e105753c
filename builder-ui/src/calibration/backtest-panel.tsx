/**
 * One score's backtest on the held-out leads: ROC AUC, conversion by score band (a bar chart
 * against the overall rate), lift by decile, and precision and recall at the threshold chosen on
 * the training leads.
 */
import { Bar, BarChart, CartesianGrid, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { ScoreBacktest } from '../../../rules/calibration/calibrate-history';
import { count, pct } from './format';
import { aucInWords } from './glossary';

export function BacktestPanel({ id, title, backtest }: { id: string; title: string; backtest: ScoreBacktest }) {
  const leads = backtest.bands.reduce((sum, band) => sum + band.leads, 0);
  const conversions = backtest.bands.reduce((sum, band) => sum + band.conversions, 0);
  const overall = leads === 0 ? 0 : conversions / leads;
  const data = backtest.bands.map((band) => ({ label: band.label, rate: Math.round(band.rate * 1000) / 10, leads: band.leads }));
  const at = backtest.holdout;
  return (
    <article className="lf-cal-backtest" data-testid={`backtest-${id}`} aria-label={title}>
      <h3>{title}</h3>
      <p>
        ROC AUC <strong data-testid={`auc-${id}`}>{backtest.auc.toFixed(3)}</strong>
        <br />
        <span className="lf-muted lf-small" data-testid={`auc-${id}-words`}>
          {aucInWords(backtest.auc)}
        </span>
      </p>
      <figure className="lf-cal-chart" data-testid={`bands-${id}`} data-bands={data.length} aria-label={`${title}: conversion by score band on the hold-out`}>
        <BarChart width={440} height={230} data={data} margin={{ top: 8, right: 8, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e4e8ef" />
          <XAxis dataKey="label" fontSize={10} interval={0} angle={-35} textAnchor="end" height={70} />
          <YAxis unit="%" domain={[0, 100]} fontSize={11} width={44} />
          <Tooltip formatter={(value, _name, item) => [`${String(value)} % of ${count((item.payload as { leads: number }).leads)} leads`, 'converted']} />
          <ReferenceLine y={Math.round(overall * 1000) / 10} stroke="#b42318" strokeDasharray="4 4" />
          <Bar dataKey="rate" name="Converted" fill="#2454c5" isAnimationActive={false} />
        </BarChart>
        <figcaption className="lf-muted lf-small">Conversion by score band on the hold-out; the dashed line is the average, {pct(overall)}.</figcaption>
      </figure>
      <table className="lf-table lf-compact" data-testid={`lift-${id}`}>
        <caption className="lf-small">Lift by decile (1 = the top 10 % of leads by score)</caption>
        <thead>
          <tr>
            <th scope="col">Decile</th>
            <th scope="col">Converted</th>
            <th scope="col">Lift</th>
            <th scope="col">Conversions up to here</th>
          </tr>
        </thead>
        <tbody>
          {backtest.lift.map((row) => (
            <tr key={row.group}>
              <td>{row.group}</td>
              <td>{pct(row.rate)}</td>
              <td>{row.lift.toFixed(2)}×</td>
              <td>{pct(row.capture)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="lf-small" data-testid={`threshold-${id}`}>
        At a threshold of <strong>{backtest.threshold.threshold}</strong> (chosen on the training leads): {count(at.selected)} held-out leads ({pct(at.share)}) go to sales; precision{' '}
        <strong data-testid={`precision-${id}`}>{pct(at.precision)}</strong>, recall <strong data-testid={`recall-${id}`}>{pct(at.recall)}</strong>.
      </p>
    </article>
  );
}
