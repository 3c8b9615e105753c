import express from 'express';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { workerRunner, type CalibrationRunner } from './calibration-runner';
import { CALIBRATION_LIMIT, calibrationsOperations as ops, type LeadflowCalibrationBody } from '../../contracts/calibrations.contract';
import { getCalibration, rerunCalibration, saveCalibrationDraft, startCalibration, startLeadflowCalibration, type CalibrationDeps } from './calibrations.service';

/** `run` defaults to worker threads of this process, one calibration at a time. */
export function calibrationsRouter({ run = workerRunner(), ...rest }: Omit<CalibrationDeps, 'run'> & { run?: CalibrationRunner }): DocumentedRouter {
  const deps: CalibrationDeps = { ...rest, run };
  const router = documentedRouter();
  const accepted = (record: { calibrationId: string }) => ({ status: 202, body: { ...record, progress: `/api/calibrations/${record.calibrationId}` } });

  router.serve(
    express.text({ type: ['text/csv', 'text/plain'], limit: CALIBRATION_LIMIT }),
    handle(
      ops.startCalibration,
      async ({ query, body, actor }) =>
        accepted(typeof body === 'string' ? await startCalibration(deps, body, query, actor) : await startLeadflowCalibration(deps, body as LeadflowCalibrationBody, query, actor)),
    ),
  );
  router.serve(
    handle(ops.listCalibrations, async ({ query }) => ({ body: { calibrations: await deps.calibrations.list(query.limit) } })),
  );
  router.serve(
    handle(
      ops.getCalibration,
      async ({ params }) => ({ body: await getCalibration(deps, params.calibrationId) }),
    ),
  );
  router.serve(
    handle(
      ops.rerunCalibration,
      async ({ params, body, actor }) => accepted(await rerunCalibration(deps, params.calibrationId, body, actor)),
    ),
  );
  router.serve(
    handle(
      ops.saveCalibrationDraft,
      async ({ params, body, actor }) => {
        const saved = await saveCalibrationDraft(deps, params.calibrationId, body, actor);
        return { status: saved.created ? 201 : 200, body: saved };
      },
    ),
  );
  return router;
}
