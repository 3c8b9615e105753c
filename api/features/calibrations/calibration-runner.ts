/**
 * Runs calibrations in worker threads of the API process, one at a time: a fit and a backtest
 * take seconds of CPU, which on the API's own thread would hold up every other request (events
 * from the CRM included) and the progress that clients poll for.
 */
import { Worker } from 'node:worker_threads';
import type { CalibrationProgress } from '../../db/calibrations.repository';
import type { CalibrationJob, CalibrationResult } from './run-calibration';

export type WorkerMessage =
  | { type: 'progress'; progress: CalibrationProgress }
  | { type: 'done'; result: CalibrationResult }
  | { type: 'failed'; message: string };

export type CalibrationRunner = (job: CalibrationJob, onProgress: (progress: CalibrationProgress) => void) => Promise<CalibrationResult>;

/** A runner that queues jobs and runs each in a worker thread of its own. */
export function workerRunner(): CalibrationRunner {
  let queue: Promise<unknown> = Promise.resolve();
  return (job, onProgress) => {
    const run = queue.then(() => inWorker(job, onProgress));
    queue = run.catch(() => undefined);
    return run;
  };
}

function inWorker(job: CalibrationJob, onProgress: (progress: CalibrationProgress) => void): Promise<CalibrationResult> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(job);
    let settled = false;
    const settle = (work: () => void) => {
      if (settled) return;
      settled = true;
      work();
      void worker.terminate();
    };
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') onProgress(message.progress);
      else if (message.type === 'done') settle(() => resolve(message.result));
      else settle(() => reject(new Error(message.message)));
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) => settle(() => reject(new Error(`the calibration stopped (worker exit code ${code})`))));
  });
}

/**
 * The API runs its TypeScript through tsx, whose loader a worker thread does not inherit: the
 * thread starts with a line of JavaScript that loads the worker module through tsx's API.
 */
function startWorker(job: CalibrationJob): Worker {
  const entry = new URL(`./calibration.worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;
  if (!entry.endsWith('.ts')) return new Worker(new URL(entry), { workerData: job });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}));`;
  return new Worker(boot, { eval: true, workerData: job });
}
