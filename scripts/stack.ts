/**
 * Starts LeadFlow's own processes (API, worker, builder UI) against running services. Used by
 * `npm start` and by the integration tests, so both run the real entry points the same way.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { spawnService, stopAndThrow, stopChild } from './services';
import { ROOT, ServiceError } from './tools';

export interface AppProcess {
  name: string;
  url?: string;
  child: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

export interface StackEnv {
  temporalAddress: string;
  mongoUri: string;
  /** Folder for the processes' logs. */
  logDir: string;
  /** More environment for the API and worker (e.g. LEADFLOW_MODEL_ID). */
  extra?: Record<string, string>;
}

// LEADFLOW_CPU_PROFILE_DIR: the API and worker write V8 CPU profiles there when they stop (docs/performance.md).
const TSX = ['--import', 'tsx', ...(process.env.LEADFLOW_CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.LEADFLOW_CPU_PROFILE_DIR}`] : [])];
// The worker's workflow threads run without the SDK's stack traces (workflows/worker-threads.cjs).
const WORKER_PRELOAD = ['--require', path.join(ROOT, 'workflows', 'worker-threads.cjs')];

/** Starts the API on `port` and waits until /api/health answers 200. */
export async function startApi(env: StackEnv, port: number, host = '127.0.0.1'): Promise<AppProcess> {
  const logFile = path.join(env.logDir, 'api.log');
  const child = await spawnService('api', process.execPath, [...TSX, path.join(ROOT, 'api', 'index.ts')], logFile, {
    ...process.env,
    ...serviceEnv(env),
    API_HOST: host,
    API_PORT: String(port),
  });
  const url = `http://${host}:${port}`;
  await waitForHttp(`${url}/api/health`, 60_000, 'API', child, logFile).catch(stopAndThrow(child));
  return { name: 'api', url, child, logFile, stop: () => stopChild(child) };
}

/** Starts a worker. It needs no port: it polls Temporal, and events wait durably until it does. */
export async function startWorker(env: StackEnv): Promise<AppProcess> {
  const logFile = path.join(env.logDir, 'worker.log');
  const child = await spawnService('worker', process.execPath, [...WORKER_PRELOAD, ...TSX, path.join(ROOT, 'workflows', 'worker.ts')], logFile, {
    ...process.env,
    ...serviceEnv(env),
  });
  return { name: 'worker', child, logFile, stop: () => stopChild(child) };
}

/**
 * Serves the built builder UI (`vite preview`) on `port`, forwarding /api to `apiUrl`.
 * Build it first with `npm run build:ui`.
 */
export async function startUi(env: StackEnv, port: number, apiUrl: string, host = '127.0.0.1'): Promise<AppProcess> {
  const logFile = path.join(env.logDir, 'builder-ui.log');
  const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const child = await spawnService(
    'builder-ui',
    process.execPath,
    [vite, 'preview', '--config', path.join(ROOT, 'builder-ui', 'vite.config.ts'), '--host', host, '--port', String(port), '--strictPort'],
    logFile,
    { ...process.env, LEADFLOW_API_URL: apiUrl },
  );
  const url = `http://${host}:${port}`;
  await waitForHttp(url, 60_000, 'builder UI', child, logFile).catch(stopAndThrow(child));
  return { name: 'builder-ui', url, child, logFile, stop: () => stopChild(child) };
}

function serviceEnv(env: StackEnv): Record<string, string> {
  return { TEMPORAL_ADDRESS: env.temporalAddress, MONGODB_URI: env.mongoUri, ...env.extra };
}

async function waitForHttp(url: string, timeoutMs: number, what: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new ServiceError(`${what} exited with ${child.exitCode ?? child.signalCode} while starting (see ${logFile})`);
    }
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new ServiceError(`${what} did not answer at ${url} within ${timeoutMs / 1000} s (see ${logFile})`);
}
