import express from 'express';
import type { ImportRepository } from '../../db/imports.repository';
import { notFound } from '../../http/errors';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { importBody, importParams, importQuery } from './imports.schemas';
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
