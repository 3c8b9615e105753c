import express from 'express';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { workerRunner, type CalibrationRunner } from './calibration-runner';
import { calibrationBody, calibrationParams, calibrationQuery, draftBody, leadflowCalibrationBody, listQuery, rerunBody, type LeadflowCalibrationBody } from './calibrations.schemas';
import { getCalibration, rerunCalibration, saveCalibrationDraft, startCalibration, startLeadflowCalibration, type CalibrationDeps } from './calibrations.service';

/** CSV exports above this size get 413, as imports do. */
export const CALIBRATION_LIMIT = '20mb';

/** `run` defaults to worker threads of this process, one calibration at a time. */
export function calibrationsRouter({ run = workerRunner(), ...rest }: Omit<CalibrationDeps, 'run'> & { run?: CalibrationRunner }): DocumentedRouter {
  const deps: CalibrationDeps = { ...rest, run };
  const router = documentedRouter();
  const accepted = (record: { calibrationId: string }) => ({ status: 202, body: { ...record, progress: `/api/calibrations/${record.calibrationId}` } });

  router.post(
    '/calibrations',
    express.text({ type: ['text/csv', 'text/plain'], limit: CALIBRATION_LIMIT }),
    handle(
      {
        summary:
          'Calibrate a model on a CSV export of past leads with known outcomes (text/csv, the outcome column in the query), or on the leads LeadFlow scored in a period ' +
          '(application/json {"source": "leadflow", "from", "to"}: sales answers and CRM outcomes, the live version backtested beside the proposal; 422 with too few); 202 with a calibration to poll for progress and then its report',
        status: 202,
        query: calibrationQuery,
        bodies: { 'text/csv': calibrationBody, 'application/json': leadflowCalibrationBody },
        errors: { 422: 'Too few leads of the period have an outcome (the message says how many were found and how many are needed)' },
      },
      async ({ query, body, actor }) =>
        accepted(typeof body === 'string' ? await startCalibration(deps, body, query, actor) : await startLeadflowCalibration(deps, body as LeadflowCalibrationBody, query, actor)),
    ),
  );
  router.get(
    '/calibrations',
    handle({ summary: 'Calibrations, newest first, without their reports', query: listQuery }, async ({ query }) => ({ body: { calibrations: await deps.calibrations.list(query.limit) } })),
  );
  router.get(
    '/calibrations/:calibrationId',
    handle(
      { summary: "A calibration's progress; once done, its report: mapping, leakage, close rates, proposed graph, backtests and recommended threshold", params: calibrationParams },
      async ({ params }) => ({ body: await getCalibration(deps, params.calibrationId) }),
    ),
  );
  router.post(
    '/calibrations/:calibrationId/rerun',
    handle(
      { summary: "Calibrate again on the same file with other choices (exclusions, kept columns, mapping…); 202 with the new calibration", status: 202, params: calibrationParams, body: rerunBody },
      async ({ params, body, actor }) => accepted(await rerunCalibration(deps, params.calibrationId, body, actor)),
    ),
  );
  router.post(
    '/calibrations/:calibrationId/draft',
    handle(
      { summary: 'Save the proposed graph as the draft of a new model, or of an existing one at its draft revision (409 when stale)', status: 201, params: calibrationParams, body: draftBody },
      async ({ params, body, actor }) => {
        const saved = await saveCalibrationDraft(deps, params.calibrationId, body, actor);
        return { status: saved.created ? 201 : 200, body: saved };
      },
    ),
  );
  return router;
}
