import { randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import type { ImportRepository } from '../../db/imports.repository';
import { HttpError, notFound } from '../../http/errors';
import { handle, sendChecked } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { importEvents } from './event-import';
import { eventImportQuery, IMPORT_LIMIT, importsOperations as ops } from '../../contracts/imports.contract';
import { startImport, type ImportDeps } from './imports.service';

export function importsRouter(deps: ImportDeps & { imports: ImportRepository }): DocumentedRouter {
  const router = documentedRouter();
  router.serve(
    express.text({ type: ['text/csv', 'text/plain'], limit: IMPORT_LIMIT }),
    handle(
      ops.importLeads,
      async ({ query, body, actor }) => {
        const record = await startImport(deps, body, query, actor);
        return { status: 202, body: { ...record, progress: `/api/imports/${record.importId}` } };
      },
    ),
  );
  router.serve(
    // Streamed: the body is read row by row, never parsed whole, so it takes no handle().
    Object.assign(
      async (req: Request, res: Response) => {
        const parsed = eventImportQuery.safeParse(req.query);
        if (!parsed.success) {
          const fields = parsed.error.issues.map((issue) => ({ path: ['query', ...issue.path.map(String)].join('.'), message: issue.message }));
          req.resume();
          throw new HttpError(400, 'invalid_request', `Invalid request: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, fields);
        }
        // A request with no body at all is a mistake, not an empty history: it would answer "done, 0 imported".
        if (req.headers['content-length'] === '0' || (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined)) {
          req.resume();
          throw new HttpError(400, 'invalid_request', 'Invalid request: body: send the events as the body, NDJSON (one event per line) or CSV', [{ path: 'body', message: 'send the events as the body, NDJSON (one event per line) or CSV' }]);
        }
        const type = req.headers['content-type'] ?? '';
        const format = parsed.data.format ?? (/csv/.test(type) ? 'csv' : /ndjson|jsonl|x-json-stream/.test(type) ? 'ndjson' : undefined);
        if (!format) {
          req.resume();
          throw new HttpError(415, 'unsupported_media_type', 'Send the events as application/x-ndjson (one event per line) or text/csv, or say which with ?format=', [{ path: 'query.format', message: 'ndjson or csv' }]);
        }
        const record = await importEvents({ ...deps, gate: deps.gate }, req, format, parsed.data.importId ?? randomUUID(), req.caller?.name ?? 'anonymous', parsed.data.separator);
        sendChecked(res, ops.importEvents, 200, { ...record, progress: `/api/imports/${record.importId}` });
      },
      { operation: ops.importEvents },
    ),
  );
  router.serve(
    handle(ops.getImport, async ({ params }) => {
      const record = await deps.imports.get(params.importId);
      if (!record) throw notFound(`Import ${params.importId}`);
      return { body: record };
    }),
  );
  return router;
}
