/**
 * The dashboard: the funnel MQL → SAL → SQL → won with the rate at each step, sales' acceptance
 * rate, the median time from MQL to SQL, broken down by segment, source, industry or model
 * version, over all time or a period (a quarter under review); and the A1–D4 grade matrix as a
 * heatmap.
 */
import { useId, useState } from 'react';
import { FUNNEL_GROUPINGS } from '../../../api/contracts/reports.contract';
import type { FunnelGroup, FunnelGrouping, GradeReport } from '../api/client';
import { hours, percent } from '../shell/format';
import { useApi } from '../shell/session';
import { useLoad } from '../shell/use-load';

const GROUPING_LABELS: Record<FunnelGrouping, string> = {
  none: 'All leads',
  segment: 'Segment',
  source: 'Lead source',
  industry: 'Industry',
  modelVersion: 'Model version',
};

const STEPS = [
  { key: 'mql', label: 'MQL', rate: null },
  { key: 'sal', label: 'SAL (accepted)', rate: 'mqlToSal' },
  { key: 'sql', label: 'SQL', rate: 'salToSql' },
  { key: 'won', label: 'Won', rate: 'sqlToWon' },
] as const;

export function DashboardScreen() {
  const client = useApi();
  const byId = useId();
  const fromId = useId();
  const toId = useId();
  const [by, setBy] = useState<FunnelGrouping>('none');
  const [typed, setTyped] = useState<{ from: string; to: string }>({ from: '', to: '' });
  const [range, setRange] = useState<{ from?: string; to?: string }>({});
  const rangeKey = `${range.from ?? ''}/${range.to ?? ''}`;
  const overall = useLoad(() => Promise.all([client.funnel('none', range), client.grades()]), [client, rangeKey]);
  // The grade matrix is drawn only when the live model grades leads; without a live model, neither.
  const live = useLoad(() => client.liveModel().then((version) => version.compiled.grade !== undefined, () => false), [client]);
  const grouped = useLoad(() => (by === 'none' ? Promise.resolve(null) : client.funnel(by, range)), [client, by, rangeKey]);
  const badRange = typed.from !== '' && typed.to !== '' && typed.from > typed.to;

  return (
    <main className="lf-page" aria-labelledby="dashboard-title">
      <div className="lf-row">
        <h1 id="dashboard-title">Dashboard</h1>
        <span className="lf-spacer" />
        <button
          type="button"
          data-testid="dashboard-refresh"
          onClick={() => {
            overall.reload();
            grouped.reload();
          }}
        >
          Refresh
        </button>
      </div>
      <form
        className="lf-row lf-filters"
        aria-label="Period"
        data-testid="dashboard-period"
        onSubmit={(event) => {
          event.preventDefault();
          if (!badRange) setRange({ ...(typed.from && { from: typed.from }), ...(typed.to && { to: typed.to }) });
        }}
      >
        <label htmlFor={fromId}>From</label>
        <input id={fromId} type="date" data-testid="dashboard-from" value={typed.from} onChange={(event) => setTyped({ ...typed, from: event.target.value })} />
        <label htmlFor={toId}>to</label>
        <input id={toId} type="date" data-testid="dashboard-to" value={typed.to} onChange={(event) => setTyped({ ...typed, to: event.target.value })} />
        <button type="submit" data-testid="dashboard-apply" disabled={badRange}>
          Show this period
        </button>
        <button
          type="button"
          data-testid="dashboard-all-time"
          onClick={() => {
            setTyped({ from: '', to: '' });
            setRange({});
          }}
        >
          All time
        </button>
        <span className={badRange ? 'lf-error' : 'lf-muted lf-small'} data-testid="dashboard-period-said" role="status">
          {badRange ? 'The first day is after the last.' : periodWords(range)}
        </span>
      </form>
      {overall.load.state === 'loading' && <p>Loading the reports…</p>}
      {overall.load.state === 'failed' && (
        <p className="lf-error" role="alert" data-testid="dashboard-error">
          Could not load the reports: {overall.load.message}
        </p>
      )}
      {overall.load.state === 'ready' && (
        <>
          <Headlines group={overall.load.value[0].groups[0]} />
          <div className="lf-columns lf-dashboard">
            <section className="lf-grow" aria-labelledby="funnel-title">
              <h2 className="lf-h2" id="funnel-title">
                Funnel
              </h2>
              <Funnel group={overall.load.value[0].groups[0]} testId="funnel" />
              <div className="lf-row">
                <label htmlFor={byId}>Break down by</label>
                <select id={byId} data-testid="funnel-by" value={by} onChange={(event) => setBy(event.target.value as FunnelGrouping)}>
                  {FUNNEL_GROUPINGS.map((grouping) => (
                    <option key={grouping} value={grouping}>
                      {GROUPING_LABELS[grouping]}
                    </option>
                  ))}
                </select>
              </div>
              {by !== 'none' && grouped.load.state === 'ready' && grouped.load.value && <Breakdown groups={grouped.load.value.groups} by={by} />}
              {by !== 'none' && grouped.load.state === 'failed' && <p className="lf-error">{grouped.load.message}</p>}
            </section>
            <section aria-labelledby="grades-title" className="lf-grades">
              <h2 className="lf-h2" id="grades-title">
                Grades (fit A–D × engagement 1–4)
              </h2>
              {live.load.state === 'ready' && live.load.value ? (
                <GradeHeatmap report={overall.load.value[1]} />
              ) : live.load.state === 'ready' ? (
                <p className="lf-muted" data-testid="grade-none">
                  The live model has no grade matrix: leads are not graded.
                </p>
              ) : null}
            </section>
          </div>
        </>
      )}
    </main>
  );
}

/** The period shown, in words (days in UTC, both included). */
function periodWords(range: { from?: string; to?: string }): string {
  if (range.from && range.to) return `What happened from ${range.from} to ${range.to} (UTC days, both included).`;
  if (range.from) return `What happened from ${range.from} on.`;
  if (range.to) return `What happened up to ${range.to}.`;
  return 'All time.';
}

function Headlines({ group }: { group: FunnelGroup | undefined }) {
  return (
    <dl className="lf-kpis" data-testid="kpis">
      <div>
        <dt>Leads</dt>
        <dd data-testid="kpi-leads">{group?.leads ?? 0}</dd>
      </div>
      <div>
        <dt>Reached MQL</dt>
        <dd data-testid="kpi-mql">{group?.reached.mql ?? 0}</dd>
      </div>
      <div>
        <dt>Acceptance rate</dt>
        <dd data-testid="acceptance-rate">{percent(group?.acceptance.rate)}</dd>
        <small className="lf-muted" data-testid="acceptance-answers">
          {group?.acceptance.accepted ?? 0} accepted, {group?.acceptance.rejected ?? 0} rejected: sales' answers to handoffs. The funnel counts leads, and a lead
          can be handed off more than once (or reach SAL from the CRM without an answer), so these need not add up to SAL.
        </small>
      </div>
      <div>
        <dt>MQL → won</dt>
        <dd data-testid="kpi-mql-to-won">{percent(group?.conversion.mqlToWon)}</dd>
      </div>
      <div>
        <dt>Median time MQL → SQL</dt>
        <dd data-testid="median-time">{hours(group?.medianHoursMqlToSql)}</dd>
      </div>
    </dl>
  );
}

/** The four steps as bars as wide as their share of MQLs, each with the rate from the step before. */
function Funnel({ group, testId }: { group: FunnelGroup | undefined; testId: string }) {
  if (!group || group.leads === 0) return <p data-testid={`${testId}-empty`}>No leads yet.</p>;
  const top = Math.max(group.reached.mql, 1);
  return (
    <ol className="lf-funnel" data-testid={testId}>
      {STEPS.map((step) => {
        const count = group.reached[step.key];
        return (
          <li key={step.key} data-testid={`${testId}-${step.key}`} data-count={count}>
            <span className="lf-funnel-label">{step.label}</span>
            <span className="lf-funnel-track">
              <span className="lf-funnel-bar" style={{ width: `${Math.max((count / top) * 100, count > 0 ? 2 : 0)}%` }} />
            </span>
            <span className="lf-funnel-count">{count}</span>
            <span className="lf-funnel-rate lf-muted">{step.rate ? `${percent(group.conversion[step.rate])} of the step before` : `of ${group.leads} leads`}</span>
          </li>
        );
      })}
    </ol>
  );
}

function Breakdown({ groups, by }: { groups: FunnelGroup[]; by: FunnelGrouping }) {
  if (groups.length === 0) return <p>No leads yet.</p>;
  return (
    <table className="lf-table lf-compact" data-testid="funnel-breakdown">
      <caption className="lf-visually-hidden">Funnel by {GROUPING_LABELS[by]}</caption>
      <thead>
        <tr>
          <th scope="col">{GROUPING_LABELS[by]}</th>
          <th scope="col">Leads</th>
          <th scope="col">MQL</th>
          <th scope="col">SAL</th>
          <th scope="col">SQL</th>
          <th scope="col">Won</th>
          <th scope="col">MQL → SAL</th>
          <th scope="col">SAL → SQL</th>
          <th scope="col">SQL → won</th>
          <th scope="col">Acceptance</th>
          <th scope="col">Median MQL → SQL</th>
        </tr>
      </thead>
      <tbody>
        {groups.map((group) => (
          <tr key={group.key} data-testid={`funnel-row-${group.key}`}>
            <th scope="row">{group.key}</th>
            <td>{group.leads}</td>
            <td>{group.reached.mql}</td>
            <td>{group.reached.sal}</td>
            <td>{group.reached.sql}</td>
            <td>{group.reached.won}</td>
            <td>{percent(group.conversion.mqlToSal)}</td>
            <td>{percent(group.conversion.salToSql)}</td>
            <td>{percent(group.conversion.sqlToWon)}</td>
            <td>{percent(group.acceptance.rate)}</td>
            <td>{hours(group.medianHoursMqlToSql)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const FITS = ['A', 'B', 'C', 'D'] as const;

/** The 4×4 grade matrix, each cell shaded by its share of the busiest cell. */
export function GradeHeatmap({ report }: { report: GradeReport }) {
  const busiest = Math.max(1, ...report.matrix.flat());
  return (
    <>
      <table className="lf-heatmap" data-testid="grade-heatmap">
        <caption className="lf-visually-hidden">Leads per grade: rows are fit A (best) to D, columns engagement 1 (most) to 4</caption>
        <thead>
          <tr>
            <td />
            {[1, 2, 3, 4].map((engagement) => (
              <th scope="col" key={engagement}>
                {engagement}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {FITS.map((fit, row) => (
            <tr key={fit}>
              <th scope="row">{fit}</th>
              {[0, 1, 2, 3].map((column) => {
                const count = report.matrix[row]?.[column] ?? 0;
                const share = count / busiest;
                const grade = `${fit}${column + 1}`;
                return (
                  <td
                    key={grade}
                    data-testid={`grade-${grade}`}
                    data-count={count}
                    aria-label={`${grade}: ${count} lead${count === 1 ? '' : 's'}`}
                    style={{ background: count === 0 ? '#f6f8fb' : `rgb(36 84 197 / ${0.12 + share * 0.78})`, color: share > 0.5 ? '#fff' : undefined }}
                  >
                    <span className="lf-heatmap-grade">{grade}</span>
                    <span className="lf-heatmap-count">{count}</span>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="lf-muted lf-small" data-testid="grades-ungraded">
        {report.ungraded} lead{report.ungraded === 1 ? '' : 's'} without a grade (the model has no grade matrix, or they have not been scored).
      </p>
    </>
  );
}
