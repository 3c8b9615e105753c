/**
 * The lead explorer: find leads by the person's name, company or email, and by stage, grade,
 * segment, owner and score, sorted by a column (highest score first unless chosen), a page at a
 * time; or open one by id. A sales key sees the leads of its own queues only.
 */
import { useId, useState } from 'react';
import { personOf } from '../../../engine/person';
import { STAGES } from '../../../engine/types';
import type { LeadSearch, LeadSort } from '../api/client';
import { dateTime } from '../shell/format';
import { hrefOf, navigate } from '../shell/routes';
import { useApi } from '../shell/session';
import { useLoad } from '../shell/use-load';
import { LeadPage } from './lead-page';

const PAGE_SIZE = 25;
// A1…D4 spelled out here: rules/graph.schema's list would bring zod to a screen that needs none of it.
const GRADES = ['A', 'B', 'C', 'D'].flatMap((fit) => [1, 2, 3, 4].map((engagement) => `${fit}${engagement}`));
const FILTER_STORAGE = 'leadflow.leadSearch';

export function LeadsScreen({ leadId }: { leadId?: string | undefined }) {
  return leadId ? <LeadPage key={leadId} leadId={leadId} /> : <LeadSearchPage />;
}

/** The filters as typed; kept for the session, so coming back from a lead finds them again. */
interface Filters {
  /** Words of the person's name, company or email. */
  text: string;
  stage: string;
  grade: string;
  segment: string;
  owner: string;
  minScore: string;
  maxScore: string;
}
const NO_FILTERS: Filters = { text: '', stage: '', grade: '', segment: '', owner: '', minScore: '', maxScore: '' };
const DEFAULT_SORT: LeadSort = '-total';

/** The search the API is asked for: filters with a value, scores as numbers, the order unless it is the default. */
export function toSearch(filters: Filters, page: number, sort: LeadSort = DEFAULT_SORT): LeadSearch {
  const number = (text: string) => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : undefined);
  const search: LeadSearch = { page, pageSize: PAGE_SIZE };
  if (filters.stage) search.stage = filters.stage as LeadSearch['stage'];
  if (filters.grade) search.grade = filters.grade as LeadSearch['grade'];
  if (filters.segment.trim()) search.segment = filters.segment.trim();
  if (filters.owner.trim()) search.owner = filters.owner.trim();
  const min = number(filters.minScore);
  const max = number(filters.maxScore);
  if (min !== undefined) search.minScore = min;
  if (max !== undefined) search.maxScore = max;
  if (filters.text.trim()) search.q = filters.text.trim();
  if (sort !== DEFAULT_SORT) search.sort = sort;
  return search;
}

/** The sortable columns: what each sorts by, and which way first. */
const SORTABLE: Record<string, { field: string; first: 'asc' | 'desc' }> = {
  name: { field: 'name', first: 'asc' },
  company: { field: 'company', first: 'asc' },
  stage: { field: 'stage', first: 'asc' },
  total: { field: 'total', first: 'desc' },
  lastActivityAt: { field: 'lastActivityAt', first: 'desc' },
};

/** The order after a click on a column's header: its first direction, or the other one when it is the order already. */
export function nextSort(current: LeadSort, column: keyof typeof SORTABLE): LeadSort {
  const { field, first } = SORTABLE[column] as { field: string; first: 'asc' | 'desc' };
  const asc = field as LeadSort;
  const desc = `-${field}` as LeadSort;
  if (current === asc) return desc;
  if (current === desc) return asc;
  return first === 'asc' ? asc : desc;
}

const SORT_WORDS: Record<string, string> = {
  total: 'by score',
  lastActivityAt: 'by last activity',
  name: 'by name',
  company: 'by company',
  stage: 'by stage',
  leadId: 'by lead id',
};

function describeSort(sort: LeadSort): string {
  if (sort === '-total') return 'highest score first';
  return `${SORT_WORDS[sort.replace(/^-/, '')]}, ${sort.startsWith('-') ? 'descending' : 'ascending'}`;
}

interface Applied {
  filters: Filters;
  page: number;
  sort: LeadSort;
}

function storedFilters(): Applied {
  try {
    const stored = JSON.parse(sessionStorage.getItem(FILTER_STORAGE) ?? 'null') as Partial<Applied> | null;
    return { filters: { ...NO_FILTERS, ...stored?.filters }, page: typeof stored?.page === 'number' ? stored.page : 1, sort: typeof stored?.sort === 'string' ? stored.sort : DEFAULT_SORT };
  } catch {
    return { filters: NO_FILTERS, page: 1, sort: DEFAULT_SORT };
  }
}

function LeadSearchPage() {
  const client = useApi();
  const ids = { text: useId(), stage: useId(), grade: useId(), segment: useId(), owner: useId(), min: useId(), max: useId(), open: useId() };
  const [initial] = useState(storedFilters);
  const [draft, setDraft] = useState<Filters>(initial.filters);
  const [applied, setApplied] = useState<Applied>(initial);
  const [openId, setOpenId] = useState('');
  const search = toSearch(applied.filters, applied.page, applied.sort);
  const { load } = useLoad(() => client.searchLeads(search), [client, JSON.stringify(search)]);

  const apply = (filters: Filters, page: number, sort = applied.sort) => {
    const next = { filters, page, sort };
    setApplied(next);
    sessionStorage.setItem(FILTER_STORAGE, JSON.stringify(next));
  };
  const header = (column: keyof typeof SORTABLE, label: string) => {
    const field = SORTABLE[column]?.field;
    const direction = applied.sort === field ? 'ascending' : applied.sort === `-${field}` ? 'descending' : undefined;
    return (
      <th scope="col" aria-sort={direction ?? 'none'}>
        <button type="button" className="lf-sort" data-testid={`leads-sort-${column}`} onClick={() => apply(applied.filters, 1, nextSort(applied.sort, column))}>
          {label}
          <span aria-hidden="true">{direction === 'ascending' ? ' ▲' : direction === 'descending' ? ' ▼' : ''}</span>
        </button>
      </th>
    );
  };
  const field = (name: keyof Filters) => ({ value: draft[name], onChange: (event: { target: { value: string } }) => setDraft({ ...draft, [name]: event.target.value }) });
  const pages = load.state === 'ready' ? Math.max(1, Math.ceil(load.value.total / PAGE_SIZE)) : 1;

  return (
    <main className="lf-page" aria-labelledby="leads-title">
      <h1 id="leads-title">Leads</h1>
      <div className="lf-columns">
        <form
          className="lf-grow lf-filters-grid"
          aria-label="Filter leads"
          onSubmit={(event) => {
            event.preventDefault();
            apply(draft, 1);
          }}
        >
          <div className="lf-field lf-field-wide">
            <label htmlFor={ids.text}>Name, company or email</label>
            <input id={ids.text} type="search" data-testid="leads-filter-text" placeholder="e.g. Acme or ann@" maxLength={100} {...field('text')} />
          </div>
          <div className="lf-field">
            <label htmlFor={ids.stage}>Stage</label>
            <select id={ids.stage} data-testid="leads-filter-stage" {...field('stage')}>
              <option value="">Any</option>
              {STAGES.map((stage) => (
                <option key={stage} value={stage}>
                  {stage.toUpperCase()}
                </option>
              ))}
            </select>
          </div>
          <div className="lf-field">
            <label htmlFor={ids.grade}>Grade</label>
            <select id={ids.grade} data-testid="leads-filter-grade" {...field('grade')}>
              <option value="">Any</option>
              {GRADES.map((grade) => (
                <option key={grade} value={grade}>
                  {grade}
                </option>
              ))}
            </select>
          </div>
          <div className="lf-field">
            <label htmlFor={ids.segment}>Segment</label>
            <input id={ids.segment} data-testid="leads-filter-segment" placeholder="e.g. enterprise" {...field('segment')} />
          </div>
          <div className="lf-field">
            <label htmlFor={ids.owner}>Owner</label>
            <input id={ids.owner} data-testid="leads-filter-owner" placeholder="e.g. ae-1" {...field('owner')} />
          </div>
          <div className="lf-field">
            <label htmlFor={ids.min}>Score from</label>
            <input id={ids.min} type="number" data-testid="leads-filter-min" {...field('minScore')} />
          </div>
          <div className="lf-field">
            <label htmlFor={ids.max}>to</label>
            <input id={ids.max} type="number" data-testid="leads-filter-max" {...field('maxScore')} />
          </div>
          <div className="lf-row lf-filters-actions">
            <button type="submit" className="lf-primary" data-testid="leads-search">
              Search
            </button>
            <button
              type="button"
              data-testid="leads-reset"
              onClick={() => {
                setDraft(NO_FILTERS);
                apply(NO_FILTERS, 1);
              }}
            >
              Clear
            </button>
          </div>
        </form>
        <form
          className="lf-card lf-form lf-open-lead"
          aria-label="Open a lead by id"
          onSubmit={(event) => {
            event.preventDefault();
            if (openId.trim()) navigate({ screen: 'leads', leadId: openId.trim() });
          }}
        >
          <label htmlFor={ids.open}>Lead id</label>
          <input id={ids.open} data-testid="leads-open-id" value={openId} onChange={(event) => setOpenId(event.target.value)} />
          <button type="submit" data-testid="leads-open" disabled={!openId.trim()}>
            Open
          </button>
        </form>
      </div>

      {load.state === 'loading' && <p>Searching…</p>}
      {load.state === 'failed' && (
        <p className="lf-error" role="alert" data-testid="leads-error">
          Could not search: {load.message}
        </p>
      )}
      {load.state === 'ready' && (
        <>
          <p className="lf-muted" data-testid="leads-total" role="status">
            {load.value.total} lead{load.value.total === 1 ? '' : 's'}, {describeSort(applied.sort)}
          </p>
          {load.value.leads.length === 0 ? (
            <p data-testid="leads-empty">No lead matches.</p>
          ) : (
            <div className="lf-table-scroll">
              <table className="lf-table lf-compact lf-leads-table" data-testid="leads-list">
                <thead>
                  <tr>
                    {header('name', 'Person')}
                    {header('company', 'Company')}
                    {header('stage', 'Stage')}
                    {header('total', 'Total')}
                    <th scope="col">Scores</th>
                    <th scope="col">Grade</th>
                    <th scope="col">Segment</th>
                    <th scope="col">Owner</th>
                    {header('lastActivityAt', 'Last active')}
                  </tr>
                </thead>
                <tbody>
                  {load.value.leads.map((lead) => {
                    const person = personOf(lead.attributes);
                    return (
                      <tr key={lead.leadId} data-testid={`lead-row-${lead.leadId}`}>
                        <th scope="row" className="lf-lead-cell">
                          <a href={hrefOf({ screen: 'leads', leadId: lead.leadId })} data-testid={`lead-open-${lead.leadId}`} title={`Lead ${lead.leadId}`}>
                            {person.name ?? person.email ?? <span className="lf-truncate">{lead.leadId}</span>}
                          </a>
                          {person.name && person.email && <div className="lf-muted lf-small lf-truncate" title={person.email}>{person.email}</div>}
                          {(person.name ?? person.email) && (
                            <div className="lf-muted lf-small lf-truncate" title={lead.leadId} data-testid={`lead-id-${lead.leadId}`}>
                              {lead.leadId}
                            </div>
                          )}
                        </th>
                        <td className="lf-truncate-cell" title={person.company}>
                          {person.company ?? '–'}
                        </td>
                        <td>
                          <span className={`lf-stage lf-stage-${lead.stage}`}>{lead.stage.toUpperCase()}</span>
                        </td>
                        <td>
                          <strong>{lead.total}</strong>
                        </td>
                        <td className="lf-small">
                          {Object.entries(lead.scores)
                            .map(([id, value]) => `${id} ${value}`)
                            .join(' · ')}
                        </td>
                        <td>{lead.grade ?? '–'}</td>
                        <td>{lead.segment ?? '–'}</td>
                        <td>{lead.handoff?.owner ?? (lead.handoff ? `(${lead.handoff.queue})` : '–')}</td>
                        <td>{dateTime(lead.lastActivityAt)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          <nav className="lf-row" aria-label="Pages">
            <button type="button" data-testid="leads-prev" disabled={applied.page <= 1} onClick={() => apply(applied.filters, applied.page - 1)}>
              ← Previous
            </button>
            <span data-testid="leads-page">
              Page {applied.page} of {pages}
            </span>
            <button type="button" data-testid="leads-next" disabled={applied.page >= pages} onClick={() => apply(applied.filters, applied.page + 1)}>
              Next →
            </button>
          </nav>
        </>
      )}
    </main>
  );
}
