/**
 * A history import: a CRM backfill of events, streamed as NDJSON (one event per line, as
 * POST /api/events takes it) or CSV (columns eventId, leadId, type, occurredAt, and
 * `properties.<name>` / `attributes.<name>`), never held in memory whole. Rows go in batches of
 * a thousand through the same path as POST /api/events/batch (stored in bulk; a lead new to
 * LeadFlow started in bulk with its whole history, a known lead's events in one signal; a file
 * grouped by lead keeps each lead's rows in one batch), waiting for room when LeadFlow is behind; progress and each bad row's error are
 * saved after every batch. An import is named by its `importId`: sending the file again under the
 * same id resumes after the rows already done (and, events being idempotent, repeats nothing).
 */
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { parse as csvStream } from 'csv-parse';
import type { Client } from '@temporalio/client';
import type { EventRepository } from '../../db/events.repository';
import type { ImportRecord, ImportRepository, RowError } from '../../db/imports.repository';
import { HttpError } from '../../http/errors';
import { leadEventSchemaFor, type EventClock } from '../../contracts/events.contract';
import { ingestBatch } from '../events/events.service';
import type { FirstLives } from '../events/first-lives';
import { leadsIn, whenRoom, type IngestGate } from '../events/ingest-gate';

/** Rows per batch; progress is saved after each. */
const ROWS_PER_BATCH = 1_000;
/** Batches sent at once. */
const BATCHES_IN_FLIGHT = 2;
/** Row errors kept in the record; the rest are counted. */
const MAX_ERRORS = 1_000;
const REQUIRED_COLUMNS = ['eventId', 'leadId', 'type', 'occurredAt'] as const;

export interface EventImportDeps {
  temporal: Client;
  events: EventRepository;
  imports: ImportRepository;
  clock: EventClock;
  gate: IngestGate;
  /** New leads are started in bulk, all their events of a batch in one first turn. */
  firstLives?: FirstLives;
}

export type EventImportFormat = 'ndjson' | 'csv';

/** One row of the file: its line, and the event it holds or why it holds none. */
type Row = { line: number; event: unknown } | { line: number; error: string; column?: string };

/**
 * Imports the events streamed in `source`, creating the import `importId` or resuming it. Ends
 * when the stream does, with the import's record.
 *
 * @throws HttpError 409 `import_running` when the import is already under way in another request
 */
export async function importEvents(deps: EventImportDeps, source: Readable, format: EventImportFormat, importId: string, actor: string, delimiter?: string): Promise<ImportRecord> {
  const existing = await deps.imports.get(importId);
  if (existing && existing.kind !== 'events') {
    source.resume();
    throw new HttpError(409, 'conflict', `Import ${importId} is a CSV import of leads, not of events: choose another importId`, [{ path: 'query.importId', message: 'names a CSV import of leads' }]);
  }
  if (existing?.status === 'running') {
    source.resume();
    throw new HttpError(409, 'import_running', `Import ${importId} is under way (${existing.processed} rows done); wait for it, or resume it once it stops`, [{ path: 'query.importId', message: 'under way' }]);
  }
  // Rows already done by an earlier, interrupted request for this import are skipped.
  const skip = existing?.processed ?? 0;
  const record: ImportRecord = existing
    ? { ...existing, status: 'running' }
    : { importId, kind: 'events', status: 'running', fileSha256: 'reading', createdBy: actor, createdAt: new Date(), columns: [], rows: 0, processed: 0, imported: 0, rejected: 0, failed: 0, errors: [], moreErrors: 0 };
  if (existing) await deps.imports.update(importId, { status: 'running' });
  else await deps.imports.create(record);

  // The file is read as it arrives, with backpressure: a slow import slows the upload, nothing piles up.
  const hash = createHash('sha256');
  const input = source.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    }),
  );
  source.on('error', (err) => input.destroy(err));
  source.on('close', () => {
    if (!source.readableEnded) input.destroy(new Error('the upload broke off'));
  });
  const eventSchema = leadEventSchemaFor(deps.clock);
  const noteError = (error: RowError) => {
    if (record.errors.length < MAX_ERRORS) record.errors.push(error);
    else record.moreErrors += 1;
  };
  // Rows in file order, bad ones too: `processed` counts a prefix of the file, where a resume starts.
  let batch: Row[] = [];
  /**
   * Sends the batch. Unless it is the file's `last`, the rows at its end that belong to the lead
   * of its last row wait for the next batch: a file grouped by lead gets each lead's history in
   * one batch, and a new lead's whole history in one first turn (started in bulk).
   */
  const flush = async (last: boolean) => {
    if (batch.length === 0) return;
    let cut = batch.length;
    if (!last) {
      const leadOf = (row: Row) => ('event' in row ? (row.event as { leadId?: unknown } | null)?.leadId : undefined);
      const lead = leadOf(batch[cut - 1] as Row);
      while (cut > 0 && lead !== undefined && leadOf(batch[cut - 1] as Row) === lead) cut -= 1;
      // A lead with more rows than a batch goes in parts.
      if (cut === 0) cut = batch.length;
    }
    const all = batch.slice(0, cut);
    batch = batch.slice(cut);
    const rows = all.filter((row): row is Extract<Row, { event: unknown }> => 'event' in row);
    const items = rows.map((row) => row.event);
    // Two batches in flight: one's workflow starts and signals overlap the next one's database
    // writes. Their outcomes are counted, and progress saved, in file order.
    if (unfinished.length >= BATCHES_IN_FLIGHT) await unfinished.shift();
    const work = handled(whenRoom(deps.gate, leadsIn(items), () => ingestBatch(deps.temporal, deps.events, items, eventSchema, deps.firstLives)));
    const done = handled(
      (unfinished.at(-1) ?? Promise.resolve()).then(async () => {
        const { results } = await work;
        for (const row of all) {
          if (!('error' in row)) continue;
          record.rejected += 1;
          noteError({ line: row.line, ...(row.column && { column: row.column }), message: row.error });
        }
        results.forEach((result, i) => {
          const line = (rows[i] as { line: number }).line;
          if (result.status === 'accepted' || result.status === 'duplicate') record.imported += 1;
          else if (result.status === 'failed') {
            record.failed += 1;
            noteError({ line, message: `not delivered, send the file again under the same importId to retry: ${result.reason ?? 'failed'}` });
          } else {
            record.rejected += 1;
            const field = result.fields?.[0]?.path.split('.').slice(2).join('.');
            noteError({ line, ...(field && { column: field }), message: (result.fields ?? []).map((f) => `${f.path.split('.').slice(2).join('.')}: ${f.message}`).join('; ') || (result.reason ?? 'rejected') });
          }
        });
        record.processed += all.length;
        await deps.imports.update(importId, { processed: record.processed, rows: record.rows, imported: record.imported, rejected: record.rejected, failed: record.failed, errors: record.errors, moreErrors: record.moreErrors, columns: record.columns });
      }),
    );
    unfinished.push(done);
  };
  /** Batches sent whose outcome is not counted yet, oldest first. */
  const unfinished: Array<Promise<void>> = [];

  try {
    let index = 0;
    for await (const row of format === 'csv' ? csvRows(input, record, delimiter) : ndjsonRows(input)) {
      index += 1;
      record.rows = Math.max(record.rows, index);
      if (index <= skip) continue;
      batch.push(row);
      if (batch.length >= ROWS_PER_BATCH) await flush(false);
    }
    await flush(true);
    while (unfinished.length > 0) await unfinished.shift();
  } catch (err) {
    // The client went away or the file broke off: what is done stays done; the same request resumes it.
    // Batches already sent finish first, so the progress saved is where a resume starts.
    await Promise.allSettled(unfinished);
    const message = err instanceof HttpError ? err.message : `import stopped after ${record.processed} rows: ${(err as Error).message}; send the file again under the same importId to resume`;
    await deps.imports.update(importId, { status: 'interrupted', finishedAt: new Date(), processed: record.processed, imported: record.imported, rejected: record.rejected, failed: record.failed, errors: [...record.errors, { line: 0, message }], moreErrors: record.moreErrors });
    if (err instanceof HttpError) throw err;
    throw new HttpError(400, 'import_interrupted', message, [{ path: 'body', message }]);
  }
  const done: Partial<ImportRecord> = { status: 'done', finishedAt: new Date(), fileSha256: hash.digest('hex'), rows: record.rows, processed: record.processed };
  await deps.imports.update(importId, done);
  return { ...record, ...done };
}

/** NDJSON lines: each a JSON object; blank lines are skipped. */
async function* ndjsonRows(input: Readable): AsyncGenerator<Row> {
  let line = 0;
  let rest = '';
  const parseLine = (text: string): Row | undefined => {
    line += 1;
    if (text.trim() === '') return undefined;
    try {
      return { line, event: JSON.parse(text) as unknown };
    } catch {
      return { line, error: 'not a JSON object: each line must be one event, as POST /api/events takes it' };
    }
  };
  const decoder = new StringDecoder('utf8');
  for await (const chunk of input as AsyncIterable<Buffer>) {
    const lines = (rest + decoder.write(chunk)).split('\n');
    rest = lines.pop() as string;
    for (const text of lines) {
      const row = parseLine(text.replace(/\r$/, ''));
      if (row) yield row;
    }
  }
  const last = parseLine(rest + decoder.end());
  if (last) yield last;
}

/**
 * CSV records: the header names the columns (eventId, leadId, type, occurredAt required;
 * `properties.<name>` and `attributes.<name>` optional); an empty cell is left out, and an
 * attribute that reads as a number is one.
 */
async function* csvRows(source: Readable, record: ImportRecord, delimiter?: string): AsyncGenerator<Row> {
  const parser = source.pipe(csvStream({ bom: true, delimiter: delimiter ?? ',', relax_column_count: true, info: true, skip_empty_lines: true }));
  let header: string[] | undefined;
  for await (const { record: cells, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (!header) {
      header = cells.map((cell) => cell.trim());
      const missing = REQUIRED_COLUMNS.filter((column) => !header!.includes(column));
      if (missing.length > 0) throw new HttpError(400, 'invalid_file', `The CSV header lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (it has ${header.join(', ')})`, [{ path: 'body', message: `missing columns: ${missing.join(', ')}` }]);
      const unknown = header.filter((column) => !(REQUIRED_COLUMNS as readonly string[]).includes(column) && !/^(properties|attributes)\.[^.]+$/.test(column));
      if (unknown.length > 0) throw new HttpError(400, 'invalid_file', `Unknown CSV columns ${unknown.join(', ')}: use eventId, leadId, type, occurredAt, properties.<name>, attributes.<name>`, [{ path: 'body', message: `unknown columns: ${unknown.join(', ')}` }]);
      record.columns = header.map((column) => ({ column, attribute: column }));
      continue;
    }
    if (cells.length !== header.length) {
      yield { line: info.lines, error: `has ${cells.length} fields where the header has ${header.length}` };
      continue;
    }
    const event: Record<string, unknown> = { properties: {} };
    header.forEach((column, i) => {
      const cell = (cells[i] as string).trim();
      if (cell === '') return;
      const [group, name] = column.split('.') as [string, string | undefined];
      if (name === undefined) event[group] = cell;
      else if (group === 'properties') (event.properties as Record<string, unknown>)[name] = cell;
      else ((event.attributes ??= {}) as Record<string, unknown>)[name] = /^-?\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell;
    });
    yield { line: info.lines, event };
  }
}

/**
 * A promise awaited later, while other work goes on: a failure still fails the import where it is
 * awaited, and is not reported (and the API stopped) as an unhandled rejection meanwhile.
 */
function handled<T>(work: Promise<T>): Promise<T> {
  work.catch(() => undefined);
  return work;
}
