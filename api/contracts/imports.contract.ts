/** CSV imports of leads, and streamed imports of histories of events, with their progress. */
import { z } from 'zod';
import { count, instant } from './fields';
import { operation } from './operation';

const column = z.string().min(1).max(200);

export const importQuery = z.object({
  leadIdColumn: column.describe("The column holding each lead's id"),
  outcomeColumn: column.optional().describe('A column of known outcomes (1/0, yes/no, won/lost), when the file has one'),
  occurredAtColumn: column.optional().describe("A column of dates for the rows' events; without it they are dated now"),
  separator: z.enum([',', ';', '\t', '|']).optional().describe('Sniffed from the header line when not given'),
});

/** The CSV file itself, sent as text/csv. */
export const importBody = z.string().min(1, 'send the CSV file as the body, with Content-Type: text/csv');

/** An import's id: a UUID LeadFlow gave it, or the client's own name for a history import. */
export const importId = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, dot, dash or underscore, at most 100');

export const importParams = z.object({ importId: importId.describe("The import's id").meta({ examples: ['crm-history-2026-03'] }) });

export const eventImportQuery = z.object({
  importId: importId.optional().describe('Names the import: the same id again resumes it after the rows already done. A new UUID when absent'),
  format: z.enum(['ndjson', 'csv']).optional().describe('Taken from Content-Type (application/x-ndjson, text/csv) when not given'),
  separator: z.enum([',', ';', '\t', '|']).optional().describe('CSV only: the field separator (default a comma)'),
});

/** CSV files above this size get 413: split larger exports. */
export const IMPORT_LIMIT = '20mb';

export const importRecordSchema = z.object({
  importId: z.string(),
  kind: z.enum(['leads', 'events']).optional().describe('A CSV of leads (attributes and outcomes), or a history of events; leads when absent'),
  status: z.enum(['running', 'done', 'interrupted']),
  fileSha256: z.string(),
  createdBy: z.string(),
  createdAt: instant,
  finishedAt: instant.optional(),
  columns: z.array(z.object({ column: z.string(), attribute: z.string() })).describe('Which CSV column became which lead attribute'),
  rows: count,
  processed: count,
  imported: count,
  rejected: count,
  failed: count.describe('Rows whose delivery failed for a passing reason: importing the same file again retries them'),
  errors: z.array(z.object({ line: z.number().int().describe('The line of the file (1 = the header); 0 for the import as a whole'), column: z.string().optional(), message: z.string() })),
  moreErrors: count.describe('Errors beyond those kept in `errors`'),
});

/** An import just started or finished, with where to follow it. */
const importStarted = importRecordSchema.extend({ progress: z.string().describe('Where to follow it: GET this path') });

const exampleRecord = {
  importId: '5b0e7a34-3f3e-4e43-9a59-1c4f0b1a7c11',
  kind: 'leads' as const,
  status: 'running' as const,
  fileSha256: 'a3f1c9e0b7d24c5e8f6a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6',
  createdBy: 'crm-sync',
  createdAt: '2026-03-02T09:00:00.000Z',
  columns: [{ column: 'Job Title', attribute: 'title' }],
  rows: 1200,
  processed: 0,
  imported: 0,
  rejected: 0,
  failed: 0,
  errors: [],
  moreErrors: 0,
};
const location = { operationId: 'getImport', path: '/imports/:importId' };

export const importsOperations = {
  importLeads: operation({
    operationId: 'importLeads',
    method: 'post',
    path: '/imports',
    tag: 'Imports',
    summary: 'Import a CSV of leads',
    description: 'Imports a CSV of leads (attributes, and known outcomes) sent as text/csv: 202 with an import to poll for progress and per-row errors.',
    roles: ['ingest'],
    status: 202,
    query: importQuery,
    body: importBody,
    contentType: 'text/csv',
    bodyLimit: IMPORT_LIMIT,
    response: importStarted,
    location,
    errors: { 400: 'A query parameter is invalid, or the file cannot be read as a whole (invalid_file)' },
    examples: { request: 'Lead Id,Job Title,Company\nlead-42,CTO,Analytical Engines\n', response: { ...exampleRecord, progress: `/api/imports/${exampleRecord.importId}` } },
  }),
  importEvents: operation({
    operationId: 'importEvents',
    method: 'post',
    path: '/imports/events',
    tag: 'Imports',
    summary: 'Import a history of events',
    description: 'Imports a history of events (NDJSON or CSV, streamed, any size): grouped per lead, resumable under the same importId, with progress and per-row errors at GET /api/imports/{importId}. Answers once the file is read.',
    roles: ['ingest'],
    query: eventImportQuery,
    contentType: 'application/x-ndjson',
    bodyLimit: 'none: streamed',
    response: importStarted,
    location,
    errors: {
      400: 'The file as a whole cannot be read (a CSV header without eventId, leadId, type, occurredAt), or the upload broke off: send it again under the same importId to resume',
      409: 'An import under this importId is under way, or the id names a CSV import of leads',
      415: 'Neither NDJSON nor CSV',
    },
    examples: {
      request: '{"eventId":"ev-7","leadId":"lead-42","type":"page_view","properties":{"url":"/pricing"},"occurredAt":"2025-11-02T10:00:00Z"}\n',
      response: { ...exampleRecord, importId: 'crm-history-2026-03', kind: 'events', status: 'done', columns: [], rows: 1, processed: 1, imported: 1, finishedAt: '2026-03-02T09:00:02.000Z', progress: '/api/imports/crm-history-2026-03' },
    },
  }),
  getImport: operation({
    operationId: 'getImport',
    method: 'get',
    path: '/imports/:importId',
    tag: 'Imports',
    summary: "An import's progress",
    description: "An import's progress and per-row errors.",
    roles: ['ingest', 'marketing'],
    params: importParams,
    response: importRecordSchema,
    errors: { 404: 'No such import' },
    examples: { response: { ...exampleRecord, status: 'done', processed: 1200, imported: 1198, rejected: 2, errors: [{ line: 17, column: 'Lead Id', message: 'empty lead id' }], finishedAt: '2026-03-02T09:01:00.000Z' } },
  }),
};
