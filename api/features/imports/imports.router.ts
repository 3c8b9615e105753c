import { randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import type { ImportRepository } from '../../db/imports.repository';
import { HttpError, notFound } from '../../http/errors';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter, type RouteSchemas } from '../../http/openapi';
import { importEvents } from './event-import';
import { eventImportQuery, importBody, importParams, importQuery } from './imports.schemas';
import { startImport, type ImportDeps } from './imports.service';

/** CSV files above this size get 413: split larger exports. */
export const IMPORT_LIMIT = '20mb';

export function importsRouter(deps: ImportDeps & { imports: ImportRepository }): DocumentedRouter {
  const router = documentedRouter();
  router.post(
    '/imports',
    express.text({ type: ['text/csv', 'text/plain'], limit: IMPORT_LIMIT }),
    handle(
      { summary: 'Import a CSV of leads (attributes, and known outcomes); 202 with an import to poll for progress and per-row errors', status: 202, query: importQuery, body: importBody, contentType: 'text/csv' },
      async ({ query, body, actor }) => {
        const record = await startImport(deps, body, query, actor);
        return { status: 202, body: { ...record, progress: `/api/imports/${record.importId}` } };
      },
    ),
  );
  router.post(
    '/imports/events',
    Object.assign(
      async (req: Request, res: Response) => {
        const parsed = eventImportQuery.safeParse(req.query);
        if (!parsed.success) {
          const fields = parsed.error.issues.map((issue) => ({ path: ['query', ...issue.path.map(String)].join('.'), message: issue.message }));
          req.resume();
          throw new HttpError(400, 'invalid_request', `Invalid request: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, fields);
        }
        const type = req.headers['content-type'] ?? '';
        const format = parsed.data.format ?? (/csv/.test(type) ? 'csv' : /ndjson|jsonl|x-json-stream/.test(type) ? 'ndjson' : undefined);
        if (!format) {
          req.resume();
          throw new HttpError(415, 'unsupported_media_type', 'Send the events as application/x-ndjson (one event per line) or text/csv, or say which with ?format=', [{ path: 'query.format', message: 'ndjson or csv' }]);
        }
        const record = await importEvents({ ...deps, gate: deps.gate }, req, format, parsed.data.importId ?? randomUUID(), req.caller?.name ?? 'anonymous', parsed.data.separator);
        res.status(200).json({ ...record, progress: `/api/imports/${record.importId}` });
      },
      {
        schemas: {
          summary: 'Import a history of events (NDJSON or CSV, streamed, any size): grouped per lead, resumable under the same importId, with progress and per-row errors at GET /api/imports/{importId}',
          query: eventImportQuery,
          contentType: 'application/x-ndjson',
          errors: {
            400: 'The file as a whole cannot be read (a CSV header without eventId, leadId, type, occurredAt), or the upload broke off: send it again under the same importId to resume',
            409: 'An import under this importId is under way, or the id names a CSV import of leads',
            415: 'Neither NDJSON nor CSV',
          },
        } satisfies RouteSchemas,
      },
    ),
  );
  router.get(
    '/imports/:importId',
    handle({ summary: "An import's progress and per-row errors", params: importParams }, async ({ params }) => {
      const record = await deps.imports.get(params.importId);
      if (!record) throw notFound(`Import ${params.importId}`);
      return { body: record };
    }),
  );
  return router;
}
