/**
 * The HTTP API's contract: every operation with its request and response schemas and the roles
 * it needs. The API serves it, the OpenAPI document is generated from it, and the builder UI
 * takes its types from it. Browser-safe: it imports only engine/, rules/ and zod.
 */
import { calibrationsOperations } from './calibrations.contract';
import { eventsOperations } from './events.contract';
import { handoffsOperations } from './handoffs.contract';
import { importsOperations } from './imports.contract';
import { keysOperations } from './keys.contract';
import { leadsOperations } from './leads.contract';
import { liveModelOperations } from './live-model.contract';
import { modelsOperations } from './models.contract';
import type { Grant, Operation } from './operation';
import { reportsOperations } from './reports.contract';
import { rescoresOperations } from './rescores.contract';
import { reviewsOperations } from './reviews.contract';
import { serviceOperations } from './service.contract';
import { simulationsOperations } from './simulations.contract';
import { webhooksOperations } from './webhooks.contract';

/** Every operation, by operationId. */
export const operations = {
  ...serviceOperations,
  ...keysOperations,
  ...eventsOperations,
  ...leadsOperations,
  ...handoffsOperations,
  ...modelsOperations,
  ...simulationsOperations,
  ...liveModelOperations,
  ...rescoresOperations,
  ...reviewsOperations,
  ...reportsOperations,
  ...importsOperations,
  ...webhooksOperations,
  ...calibrationsOperations,
} satisfies Record<string, Operation>;

export const OPERATIONS: readonly Operation[] = Object.values(operations);

/**
 * Which roles may call which operation, as `METHOD /path` → grant: the permission table the API
 * enforces (api/auth/permissions.ts), read from the operations so that it has one source.
 */
export const PERMISSIONS: Readonly<Record<string, Grant>> = Object.fromEntries(OPERATIONS.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op.roles]));

export { ERROR_CODES, errorBodySchema, type ErrorBody, type ErrorCode, type FieldError } from './errors.contract';
export { TAGS, type Grant, type Operation, type Tag } from './operation';
export { ROLES, type Role } from './roles';
