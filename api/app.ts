/**
 * Builds the HTTP API. It takes its collaborators as arguments, so tests and the entry point
 * wire real ones the same way; `index.ts` only connects and listens.
 */
import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import mongoose from 'mongoose';
import type { Logger } from 'pino';
import { getAbsoluteFSPath } from 'swagger-ui-dist';
import { authenticate } from './auth/authenticate';
import { AUTH_FAILURE_LIMIT, createFailedAuthLimiter } from './auth/failed-auth-limiter';
import type { ApiKeyRepository } from './db/api-keys.repository';
import type { CalibrationRepository } from './db/calibrations.repository';
import type { ImportRepository } from './db/imports.repository';
import type { RouteCounterRepository } from './db/route-counters.repository';
import { cachedLiveModelId, type SettingsRepository } from './db/settings.repository';
import type { WebhookRepository } from './db/webhooks.repository';
import type { EventRepository } from './db/events.repository';
import type { LeadHistoryRepository } from './db/lead-histories.repository';
import type { LeadRepository } from './db/leads.repository';
import type { ModelDeps } from './features/models/models.service';
import { calibrationsRouter } from './features/calibrations/calibrations.router';
import { eventsRouter } from './features/events/events.router';
import { DEFAULT_MAX_FUTURE_SKEW_SECONDS, type EventClock, type LeadEventInput } from './contracts/events.contract';
import { createFirstLives, liveModelOf, liveStateOf, type FirstLives } from './features/events/first-lives';
import { createIngestGate } from './features/events/ingest-gate';
import { ingestEvent } from './features/events/events.service';
import { handoffsRouter } from './features/handoffs/handoffs.router';
import { importsRouter } from './features/imports/imports.router';
import { webhooksRouter } from './features/webhooks/webhooks.router';
import { createListeningCheck } from './webhooks/webhook-notifier';
import { keysRouter } from './features/keys/keys.router';
import { leadsRouter } from './features/leads/leads.router';
import { liveModelRouter } from './features/live-model/live-model.router';
import { modelsRouter } from './features/models/models.router';
import { reportsRouter } from './features/reports/reports.router';
import { rescoresRouter } from './features/rescores/rescores.router';
import { reviewsRouter } from './features/reviews/reviews.router';
import { simulationsRouter } from './features/simulations/simulations.router';
import { errorHandler, methodNotAllowed, notFoundHandler, UNAVAILABLE_RETRY_AFTER_SECONDS } from './http/error-handler';
import { HttpError } from './http/errors';
import { handle } from './http/handler';
import { allowedMethods, buildOpenApiDocument, documentedRouter } from './http/openapi';
import { createLogger, requestLog } from './http/request-log';
import { serviceOperations } from './contracts/service.contract';
import { securityHeaders } from './http/security-headers';

export interface AppDeps {
  temporal: Client;
  events: EventRepository;
  histories: LeadHistoryRepository;
  leads: LeadRepository;
  models: ModelDeps;
  keys: ApiKeyRepository;
  imports: ImportRepository;
  calibrations: CalibrationRepository;
  webhooks: WebhookRepository;
  /** Round-robin counters: a new lead started in bulk gets its handoff's owner as its workflow would. */
  counters: RouteCounterRepository;
  /** The webhook every change is announced to besides registered ones (LEADFLOW_WEBHOOK_URL). */
  webhookUrl?: string;
  /** Which model is live (set from LEADFLOW_MODEL_ID on the first start; PUT /api/live-model after). */
  settings: SettingsRepository;
  /** How far past the server's clock an event may be dated (LEADFLOW_MAX_FUTURE_SKEW_SECONDS). */
  maxFutureSkewSeconds?: number;
  /** Event deliveries in flight before new events get 503 (LEADFLOW_MAX_DELIVERIES_IN_FLIGHT). */
  maxDeliveriesInFlight?: number;
  logger?: Logger;
  /** Keys that do not work one client may present within a minute before 429 (LEADFLOW_AUTH_FAILURES_PER_MINUTE). */
  authFailuresPerMinute?: number;
  /** Let webhooks be registered at loopback, private and link-local addresses (LEADFLOW_ALLOW_PRIVATE_WEBHOOKS). */
  allowPrivateWebhooks?: boolean;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders((path) => /^\/(api\/)?docs(\/|$)/.test(path)));
  app.use(requestLog(deps.logger ?? createLogger()));
  // Callers are known before their bodies are read: each route parses its body only after its
  // guard let the caller through (documentedRouter), so a stranger's body is never parsed.
  app.use(authenticate(deps.keys, createFailedAuthLimiter({ ...AUTH_FAILURE_LIMIT, failures: deps.authFailuresPerMinute ?? AUTH_FAILURE_LIMIT.failures })));
  const clock: EventClock = { maxFutureSkewSeconds: deps.maxFutureSkewSeconds ?? DEFAULT_MAX_FUTURE_SKEW_SECONDS };
  // Every way events come in (single, batch, a lead's page, imports) shares one backpressure gate.
  const gate = createIngestGate(deps.maxDeliveriesInFlight);
  // Every reader of the live model asks through one short cache, as the worker does.
  const liveModelId = cachedLiveModelId(deps.settings);
  const liveState = liveStateOf(deps.models.versions, liveModelId);
  // New leads in a batch or an import are started in bulk (first-lives.ts).
  const firstLives = createFirstLives({
    temporal: deps.temporal,
    leads: deps.leads,
    histories: deps.histories,
    liveModel: liveModelOf(deps.models.versions, liveState),
    liveState,
    roundRobinPosition: (routeId, handoffId) => deps.counters.roundRobinPosition(routeId, handoffId),
    listening: createListeningCheck(deps.webhookUrl, () => deps.webhooks.subscribers()),
  });
  const ingestOne = (event: LeadEventInput) => gate.run(1, () => ingestEvent(deps.temporal, deps.events, event, firstLives));
  // An import's new leads start without the model: a backfill's leads mostly take no event soon.
  const backfillLives: FirstLives = { ...firstLives, start: (groups) => firstLives.start(groups, { carryModel: false }) };

  const routers = [
    healthRouter(deps.temporal),
    keysRouter(deps.keys),
    eventsRouter(deps.temporal, deps.events, clock, gate, firstLives),
    leadsRouter(deps.leads, ingestOne, clock),
    handoffsRouter(deps.temporal, deps.leads),
    modelsRouter(deps.models, liveModelId),
    liveModelRouter({ ...deps.models, settings: deps.settings }, liveModelId.forget),
    simulationsRouter({ ...deps.models, events: deps.events, inputsOf: (leadId) => leadInputs(deps, leadId) }),
    rescoresRouter(deps.temporal, deps.models.versions, liveModelId),
    reviewsRouter(deps.models, deps.leads, liveModelId),
    reportsRouter(deps.leads),
    importsRouter({ temporal: deps.temporal, events: deps.events, imports: deps.imports, clock, gate, firstLives: backfillLives }),
    webhooksRouter(deps.webhooks, { allowPrivate: deps.allowPrivateWebhooks ?? false }),
    calibrationsRouter({
      calibrations: deps.calibrations,
      models: deps.models,
      leads: deps.leads,
      liveModelId,
      inputLogs: async (leadIds) => deps.histories.completeHistories(await deps.leads.inputCounts(leadIds)),
    }),
  ];
  const api = express.Router();
  for (const router of routers) api.use(router);
  app.use('/api', api);

  // The API documents itself from the schemas that validate it.
  const docs = routers.flatMap((router) => router.docs);
  const document = buildOpenApiDocument(docs, '/api', {
    title: 'LeadFlow API',
    version: '0.1.0',
    description: 'Lead events in; scores, handoffs, models and rescoring out. Errors share one shape.',
  });
  const serveDocument: express.RequestHandler = (_req, res) => void res.json(document);
  app.get(['/openapi.json', '/api/openapi.json'], serveDocument);
  app.get(['/docs/swagger-initializer.js', '/api/docs/swagger-initializer.js'], (_req, res) => {
    res.type('application/javascript').send(`window.onload = () => { window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui' }); };`);
  });
  app.use(['/docs', '/api/docs'], express.static(getAbsoluteFSPath(), { index: 'index.html' }));

  app.use(methodNotAllowed(allowedMethods(docs, '/api')));
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

/** How long a readiness check waits for the database or Temporal to answer. */
const READY_TIMEOUT_MS = 1_500;

function healthRouter(temporal: Client) {
  const router = documentedRouter();
  router.serve(handle(serviceOperations.getHealth, async () => ({ body: { status: 'ok' } })));
  router.serve(
    handle(
      serviceOperations.getReady,
      async () => {
        const checks = {
          database: async () => {
            const db = mongoose.connection.db;
            if (mongoose.connection.readyState !== 1 || !db) throw new Error('not connected');
            await db.admin().ping();
          },
          temporal: () => temporal.connection.withDeadline(Date.now() + READY_TIMEOUT_MS, () => temporal.workflowService.getSystemInfo({})),
        };
        const results = await Promise.all(Object.entries(checks).map(async ([name, check]) => ({ name, problem: await answersWithin(check, READY_TIMEOUT_MS) })));
        const down = results.filter((result) => result.problem !== undefined);
        if (down.length > 0) {
          throw new HttpError(503, 'not_ready', `Not ready: ${down.map((d) => `${d.name} ${d.problem}`).join('; ')}`, down.map((d) => ({ path: d.name, message: d.problem! })), undefined, UNAVAILABLE_RETRY_AFTER_SECONDS);
        }
        return { body: { status: 'ready', database: 'up', temporal: 'up' } };
      },
    ),
  );
  return router;
}

/** Undefined when `check` succeeds within `ms`, or what went wrong. */
async function answersWithin(check: () => Promise<unknown>, ms: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`does not answer within ${ms / 1000} s`), ms)));
  try {
    return await Promise.race([check().then(() => undefined, (err: unknown) => `is down (${(err as Error).message})`), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A real lead's whole input log (events, sales answers, owners), when the store holds all of it. */
async function leadInputs(deps: Pick<AppDeps, 'leads' | 'histories'>, leadId: string) {
  const lead = await deps.leads.getLead(leadId);
  if (!lead?.inputCount) return null;
  return (await deps.histories.completeHistories([{ leadId, inputCount: lead.inputCount }])).get(leadId) ?? null;
}
