/**
 * A finished calibration: what was read, the mapping and the leakage check with the user's
 * choices (re-run on them), close rates against the overall rate, the proposed model, both
 * backtests, the recommended threshold, and saving the proposal as a draft. The sections where
 * the user decides are in report-choices.tsx, those that show findings in report-findings.tsx.
 */
import { useState } from 'react';
import { BacktestPanel } from './backtest-panel';
import type { Calibration, CalibrationResult } from '../api/client';
import { choicesOf, type Choices } from './choices';
import { FiguresInWords } from './figures-in-words';
import { count } from './format';
import { QueueWarning } from './queue-warning';
import { Leakage, Mapping, Rerun } from './report-choices';
import { CloseRates, LiveComparison, ProposedModel, Recommendation, Summary } from './report-findings';
import { SaveDraft } from './save-draft';

export function ReportView({ calibration, report }: { calibration: Calibration; report: CalibrationResult }) {
  const [choices, setChoices] = useState<Choices>(() => choicesOf(calibration.settings));
  return (
    <div className="lf-cal-report" data-testid="calibration-report" data-calibration-id={calibration.calibrationId}>
      <Summary calibration={calibration} report={report} />
      <QueueWarning report={report} />
      <FiguresInWords report={report} />
      <LiveComparison calibration={calibration} report={report} />
      <Leakage report={report} choices={choices} onChange={setChoices} />
      <Mapping calibration={calibration} report={report} choices={choices} onChange={setChoices} />
      <Rerun calibration={calibration} report={report} choices={choices} onChange={setChoices} />
      <CloseRates report={report} />
      <ProposedModel report={report} />
      <section className="lf-cal-section" aria-labelledby="backtests-title" data-testid="calibration-backtests">
        <h2 id="backtests-title">Backtests on {count(report.holdout)} held-out leads</h2>
        <p className="lf-muted lf-small">Every lead is scored through the live scoring code; nothing was fitted or chosen on these leads.</p>
        <div className="lf-cal-panels">
          <BacktestPanel id="points" title="Points model (close-rate points)" backtest={report.points} />
          <BacktestPanel id="predictive" title="Predictive score (0–100)" backtest={report.predictive} />
        </div>
      </section>
      <Recommendation report={report} />
      <SaveDraft calibration={calibration} report={report} />
    </div>
  );
}
