/**
 * Every repository of the read side, on one connection, with its indexes built. The API and
 * the worker both open the database through this, so both always know every collection.
 */
import { connectDatabase, ensureIndexes } from './connect';
import { migrateToNaturalKeys } from './natural-keys';
import { createApiKeyRepository } from './api-keys.repository';
import { createAuditRepository } from './audit.repository';
import { createCalibrationRepository } from './calibrations.repository';
import { createImportRepository } from './imports.repository';
import { createWebhookRepository } from './webhooks.repository';
import { createEventRepository } from './events.repository';
import { createLeadHistoryRepository } from './lead-histories.repository';
import { createLeadRepository } from './leads.repository';
import { createModelVersionRepository } from './model-versions.repository';
import { createModelRepository } from './models.repository';
import { createRouteCounterRepository } from './route-counters.repository';
import { createSettingsRepository } from './settings.repository';

/** `failFastMs`: see connectDatabase (the API's requests should not wait for a database that is down). */
export async function openRepositories(uri: string, options: { failFastMs?: number } = {}) {
  const mongoose = await connectDatabase(uri, options);
  // Before any index is built or any document written (see natural-keys.ts).
  await migrateToNaturalKeys(mongoose.connection, (line) => console.log(line));
  const repositories = {
    versions: createModelVersionRepository(),
    models: createModelRepository(),
    audit: createAuditRepository(),
    leads: createLeadRepository(),
    events: createEventRepository(),
    histories: createLeadHistoryRepository(),
    counters: createRouteCounterRepository(),
    keys: createApiKeyRepository(),
    imports: createImportRepository(),
    webhooks: createWebhookRepository(),
    calibrations: createCalibrationRepository(),
    settings: createSettingsRepository(),
  };
  const { versions, models, audit, leads, events, histories, counters, keys, imports, webhooks, calibrations, settings } = repositories;
  await ensureIndexes([versions.model, models.model, audit.model, events.model, histories.model, ...leads.models, ...counters.models, keys.model, imports.model, webhooks.model, ...calibrations.models, settings.model]);
  return { ...repositories, close: () => mongoose.disconnect() };
}
