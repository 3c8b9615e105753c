/**
 * Runs a CSV import in the background of the API: plans every row, delivers the good ones as
 * events in batches (exactly like POST /events/batch), and records progress and per-row errors
 * after every batch so that GET /imports/:id shows them. An import cut short by a restart is
 * marked interrupted; importing the same file again finishes it (its event ids repeat).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { EventRepository } from '../../db/events.repository';
import type { ImportRecord, ImportRepository, RowError } from '../../db/imports.repository';
import { HttpError } from '../../http/errors';
import { leadEventSchemaFor, type EventClock } from '../../contracts/events.contract';
import { ingestBatch } from '../events/events.service';
import type { FirstLives } from '../events/first-lives';
import { leadsIn, whenRoom, type IngestGate } from '../events/ingest-gate';
import { ImportFileError, planImport, type ImportOptions } from './plan-import';

/** Rows delivered per batch; progress is saved after each. */
const ROWS_PER_BATCH = 100;
/** Row errors kept in the record; the rest are counted. */
const MAX_ERRORS = 1_000;

export interface ImportDeps {
  temporal: Client;
  events: EventRepository;
  imports: ImportRepository;
  /** The API's event clock: rows are checked as events sent to it are. */
  clock: EventClock;
  /** The API's backpressure: an import waits for room rather than crowding out live events. */
  gate: IngestGate;
  /** New leads are started in bulk, all their events of a batch in one first turn. */
  firstLives?: FirstLives;
}

export async function startImport(deps: ImportDeps, text: string, options: ImportOptions, actor: string): Promise<ImportRecord> {
  const fileSha256 = createHash('sha256').update(text).digest('hex');
  let plan;
  try {
    plan = planImport(text, options, fileSha256.slice(0, 16), new Date((deps.clock.now ?? Date.now)()).toISOString(), deps.clock.maxFutureSkewSeconds);
  } catch (err) {
    if (err instanceof ImportFileError) throw new HttpError(400, 'invalid_file', err.message, [{ path: err.field, message: err.message }]);
    throw err;
  }
  const record: ImportRecord = {
    importId: randomUUID(),
    status: 'running',
    fileSha256,
    createdBy: actor,
    createdAt: new Date(),
    columns: plan.columns,
    rows: plan.rows,
    processed: plan.errors.length > 0 ? new Set(plan.errors.map((e) => e.line)).size : 0,
    imported: 0,
    rejected: new Set(plan.errors.map((e) => e.line)).size,
    failed: 0,
    errors: plan.errors.slice(0, MAX_ERRORS),
    moreErrors: Math.max(0, plan.errors.length - MAX_ERRORS),
  };
  await deps.imports.create(record);
  // The client polls for progress; the import goes on after this request is answered.
  void deliver(deps, record, plan.planned).catch(async (err) => {
    await deps.imports.update(record.importId, { status: 'interrupted', finishedAt: new Date(), errors: [...record.errors, { line: 0, message: `import stopped: ${(err as Error).message}` }] });
  });
  return record;
}

async function deliver(deps: ImportDeps, record: ImportRecord, planned: ReturnType<typeof planImport>['planned']): Promise<void> {
  const eventSchema = leadEventSchemaFor(deps.clock);
  for (let start = 0; start < planned.length; start += ROWS_PER_BATCH) {
    const rows = planned.slice(start, start + ROWS_PER_BATCH);
    const events = rows.flatMap((row) => row.events);
    const { results } = await whenRoom(deps.gate, leadsIn(events), () => ingestBatch(deps.temporal, deps.events, events, eventSchema, deps.firstLives));
    let offset = 0;
    const failures: RowError[] = [];
    for (const row of rows) {
      const outcome = results.slice(offset, offset + row.events.length);
      offset += row.events.length;
      const failed = outcome.find((result) => result.status === 'failed' || result.status === 'rejected');
      if (failed) {
        record.failed += 1;
        // A refused event (its id is another lead's) stays refused: only a failed delivery is worth a retry.
        const retry = failed.status === 'failed' ? ', import the file again to retry' : '';
        failures.push({ line: row.line, message: `not delivered${retry}: ${failed.reason ?? failed.status}` });
      } else record.imported += 1;
    }
    record.processed += rows.length;
    const room = MAX_ERRORS - record.errors.length;
    record.errors.push(...failures.slice(0, Math.max(0, room)));
    record.moreErrors += Math.max(0, failures.length - Math.max(0, room));
    await deps.imports.update(record.importId, { processed: record.processed, imported: record.imported, failed: record.failed, errors: record.errors, moreErrors: record.moreErrors });
  }
  await deps.imports.update(record.importId, { status: 'done', finishedAt: new Date() });
}
