/**
 * A worker thread's entry: runs one calibration (run-calibration.ts) off the API's event loop
 * and reports its progress and result to the thread that started it (calibration-runner.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runCalibration, type CalibrationJob } from './run-calibration';
import type { WorkerMessage } from './calibration-runner';

const port = parentPort;
if (!port) throw new Error('calibration.worker.ts runs as a worker thread');
const post = (message: WorkerMessage) => port.postMessage(message);

runCalibration(workerData as CalibrationJob, (progress) => post({ type: 'progress', progress }))
  .then((result) => post({ type: 'done', result }))
  .catch((err: unknown) => post({ type: 'failed', message: err instanceof Error ? err.message : String(err) }));
