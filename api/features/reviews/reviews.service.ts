/**
 * Quarterly threshold reviews: each segment's thresholds, what a proposed value would do to
 * today's leads beside how leads converted and were accepted by score band, and saving the
 * values as a new model version.
 */
import { thresholdScore, thresholdsFor } from '../../../engine/score-state';
import type { CompiledThreshold } from '../../../engine/types';
import type { LeadRepository } from '../../db/leads.repository';
import type { ModelVersionRecord } from '../../db/model-versions.repository';
import { conflict, notFound } from '../../http/errors';
import type { ModelDeps } from '../models/models.service';
import { collect } from '../reports/reports.service';
import { scoreBands, type LeadRow } from '../reports/lead-stats';

export async function listThresholds(deps: ModelDeps, modelId: string) {
  const version = await latestVersion(deps, modelId);
  return {
    modelId,
    version: version.version,
    segments: version.graph.segments ?? [],
    thresholds: version.compiled.thresholds.map((threshold) => ({
      nodeId: threshold.id,
      name: threshold.name,
      scores: threshold.scores,
      value: threshold.value,
      segment: threshold.segment ?? null,
    })),
  };
}

/**
 * What moving one threshold to `value` would do: how many of the leads it governs are at or
 * above it now versus at the proposed value, and conversion and acceptance by score band.
 */
export async function whatIf(deps: ModelDeps, leads: LeadRepository, modelId: string, input: { nodeId: string; value: number; bandWidth: number }) {
  const version = await latestVersion(deps, modelId);
  const { thresholds } = version.compiled;
  const target = thresholds.find((threshold) => threshold.id === input.nodeId);
  if (!target) throw notFound(`Threshold ${input.nodeId} in version ${version.version} of ${modelId}`);
  const governed = (await collect(leads.scanReportRows())).filter((lead) => governs(thresholds, target, lead));
  const handoffs = await collect(leads.scanHandoffRows());
  const scoreOf = (lead: LeadRow) => thresholdScore(lead.scores, target);
  const atOrAbove = (value: number) => governed.filter((lead) => scoreOf(lead) >= value).length;
  return {
    modelId,
    version: version.version,
    nodeId: target.id,
    segment: target.segment ?? null,
    scores: target.scores,
    leads: governed.length,
    current: { value: target.value, atOrAbove: atOrAbove(target.value) },
    proposed: { value: input.value, atOrAbove: atOrAbove(input.value) },
    bands: scoreBands(governed, handoffs, scoreOf, input.bandWidth),
  };
}

/** Whether `target` is the threshold that applies to `lead` (its segment's own, or the default). */
function governs(thresholds: readonly CompiledThreshold[], target: CompiledThreshold, lead: LeadRow): boolean {
  return thresholdsFor(thresholds, lead.segment ?? undefined).includes(target);
}

async function latestVersion(deps: ModelDeps, modelId: string): Promise<ModelVersionRecord> {
  const version = await deps.versions.latest(modelId);
  if (!version) throw notFound(`A published version of model ${modelId}`);
  if (version.problem) throw conflict(version.problem);
  return version;
}
