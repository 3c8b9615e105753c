/**
 * "What the figures mean": the report's headline figures, each with one line in plain words
 * (glossary.ts), for the marketer deciding whether to trust the proposal.
 */
import type { CalibrationResult } from '../api/client';
import { aucInWords, holdoutInWords, iterationsInWords, ivInWords, logLossInWords, logOddsInWords } from './glossary';

export function FiguresInWords({ report }: { report: CalibrationResult }) {
  const strongestColumn = [...report.leakage.columns].filter((column) => !column.flagged).sort((a, b) => b.informationValue - a.informationValue)[0];
  const strongestTerm = [...(report.graph.predictive?.[0]?.terms ?? [])].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))[0];
  const lines: Array<{ id: string; term: string; words: string }> = [
    { id: 'auc', term: 'AUC (predictive score)', words: aucInWords(report.predictive.auc) },
    { id: 'auc-points', term: 'AUC (points model)', words: aucInWords(report.points.auc) },
    ...(strongestColumn ? [{ id: 'iv', term: `IV (“${strongestColumn.column}”, the strongest column kept)`, words: ivInWords(strongestColumn.informationValue) }] : []),
    ...(strongestTerm ? [{ id: 'log-odds', term: `Log-odds (“${strongestTerm.label ?? 'the strongest term'}”)`, words: logOddsInWords(strongestTerm.weight) }] : []),
    { id: 'iterations', term: 'Newton iterations', words: iterationsInWords(report.fit.iterations, report.fit.converged) },
    { id: 'log-loss', term: 'Log-loss', words: logLossInWords(report.fit.loss) },
    { id: 'holdout', term: 'Hold-out', words: holdoutInWords(report.holdout) },
  ];
  return (
    <section className="lf-cal-section" aria-labelledby="glossary-title" data-testid="calibration-glossary">
      <h2 id="glossary-title">What the figures mean</h2>
      <dl className="lf-cal-glossary">
        {lines.map((line) => (
          <div key={line.id} data-testid={`glossary-${line.id}`}>
            <dt>{line.term}</dt>
            <dd>{line.words}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
