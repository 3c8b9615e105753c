/**
 * The live model: the one model whose newest published version scores every new event, sales
 * answer and rescoring. Stored as a setting (settings.repository.ts); every change is audited.
 */
import type { LiveModelSetting, SettingsRepository } from '../../db/settings.repository';
import { HttpError, notFound } from '../../http/errors';
import type { ModelDeps } from '../models/models.service';

export interface LiveModelDeps extends ModelDeps {
  settings: Pick<SettingsRepository, 'liveModel' | 'setLiveModel'>;
}

export interface LiveModelView {
  modelId: string;
  name: string;
  version: number;
  since: string;
  setBy: string;
}

/** The live model and the version of it that scores new events. */
export async function getLiveModel(deps: LiveModelDeps): Promise<LiveModelView> {
  const live = await deps.settings.liveModel();
  if (!live) throw notFound('A live model');
  return view(deps, live);
}

/**
 * Makes `modelId` the live model. Refused, changing nothing, when the model does not exist (404),
 * has no published version (409) or its newest version cannot score (422).
 */
export async function setLiveModel(deps: LiveModelDeps, modelId: string, actor: string): Promise<LiveModelView> {
  const model = await deps.models.get(modelId);
  if (!model) throw notFound(`Model ${modelId}`);
  const latest = await deps.versions.latest(modelId);
  if (!latest) throw new HttpError(409, 'not_published', `Model ${modelId} has no published version yet; publish it before making it live`, [{ path: 'body.modelId', message: 'has no published version' }]);
  if (latest.problem) throw new HttpError(422, 'not_usable', `Model ${modelId} cannot score events: ${latest.problem}`, [{ path: 'body.modelId', message: latest.problem }]);
  const before = await deps.settings.setLiveModel(modelId, actor);
  if (before?.modelId !== modelId) {
    await deps.audit.record({ actor, action: 'live_model.changed', modelId, version: latest.version, note: before ? `was ${before.modelId}` : 'the first live model' });
  }
  return getLiveModel(deps);
}

async function view(deps: LiveModelDeps, live: LiveModelSetting): Promise<LiveModelView> {
  const [model, latest] = await Promise.all([deps.models.get(live.modelId), deps.versions.latest(live.modelId)]);
  if (!latest) throw notFound(`A published version of the live model ${live.modelId}`);
  return { modelId: live.modelId, name: model?.name ?? latest.name, version: latest.version, since: live.since.toISOString(), setBy: live.setBy };
}
