import { z } from 'zod';
import { AUTH_FAILURE_LIMIT } from './auth/failed-auth-limiter';
import { DEFAULT_MAX_FUTURE_SKEW_SECONDS } from './contracts/events.contract';
import { DEFAULT_MAX_DELIVERIES_IN_FLIGHT } from './features/events/ingest-gate';

/** The process environment of the API and the worker, parsed once at boot. */
export const envSchema = z.object({
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI'),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** The live model on the first start (published from the B2B template if it has no version); PUT /api/live-model changes it after. */
  LEADFLOW_MODEL_ID: z.string().min(1).default('default'),
  /** Handoff changes are POSTed here (signed with the secret, when set). */
  LEADFLOW_WEBHOOK_URL: z.url().optional(),
  /** An admin API key provisioned from outside (a secret store); registered at start. */
  LEADFLOW_ADMIN_KEY: z.string().regex(/^lf_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/, 'must be an API key: lf_<12 characters>_<43 characters>').optional(),
  /** Where to write the admin key made on the first start, instead of printing it. */
  LEADFLOW_FIRST_KEY_FILE: z.string().min(1).optional(),
  LEADFLOW_WEBHOOK_SECRET: z.string().min(16, 'use at least 16 characters').optional(),
  /** Let registered webhooks point at loopback, private and link-local addresses (receivers on the operator's own network). */
  LEADFLOW_ALLOW_PRIVATE_WEBHOOKS: z.stringbool({ error: 'true or false' }).default(false),
  /** How far past the server's clock an event may be dated (senders' clocks drift); later is refused with 400. */
  LEADFLOW_MAX_FUTURE_SKEW_SECONDS: z.coerce.number().int().min(0).max(86_400, 'at most a day (86400)').default(DEFAULT_MAX_FUTURE_SKEW_SECONDS),
  /** Event deliveries (one per lead per request) in flight before new events get 503 with Retry-After. */
  LEADFLOW_MAX_DELIVERIES_IN_FLIGHT: z.coerce.number().int().min(1).default(DEFAULT_MAX_DELIVERIES_IN_FLIGHT),
  /** Keys that do not work one client may present within a minute before its requests get 429 with Retry-After. */
  LEADFLOW_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(AUTH_FAILURE_LIMIT.failures),
});

export type Env = z.infer<typeof envSchema>;

/** How the API prints the admin key it made on its first start; `npm start` looks for it. */
export const FIRST_ADMIN_KEY_LINE = 'api: first start; the admin API key (shown this once): ';

/** Parses `source`; exits with every bad variable named rather than failing later. */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
  console.error(`LeadFlow: invalid environment\n${problems}`);
  process.exit(2);
}
