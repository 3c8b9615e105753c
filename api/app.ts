/**
 * Builds the HTTP API. It takes its collaborators as arguments, so tests and the entry point
 * wire real ones the same way; `index.ts` only connects and listens.
 */
import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import mongoose from 'mongoose';
import type { EventRepository } from './db/events.repository';
import type { LeadRepository } from './db/leads.repository';
import type { ModelDeps } from './features/models/models.service';
import { eventsRouter } from './features/events/events.router';
import { handoffsRouter } from './features/handoffs/handoffs.router';
import { leadsRouter } from './features/leads/leads.router';
import { modelsRouter } from './features/models/models.router';
import { rescoresRouter } from './features/rescores/rescores.router';
import { errorHandler, notFoundHandler } from './http/error-handler';

export interface AppDeps {
  temporal: Client;
  events: EventRepository;
  leads: LeadRepository;
  models: ModelDeps;
  modelId: string;
}

/** Request bodies above this size get 413. */
export const BODY_LIMIT = '2mb';

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: BODY_LIMIT }));

  const api = express.Router();
  api.get('/health', (_req, res) => {
    const database = mongoose.connection.readyState === 1 ? 'up' : 'down';
    res.status(database === 'up' ? 200 : 503).json({ status: database === 'up' ? 'ok' : 'degraded', database });
  });
  api.use(eventsRouter(deps.temporal, deps.events));
  api.use(leadsRouter(deps.leads));
  api.use(handoffsRouter(deps.temporal, deps.leads));
  api.use(modelsRouter(deps.models, deps.modelId));
  api.use(rescoresRouter(deps.temporal, deps.models.versions, deps.modelId));

  app.use('/api', api);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
