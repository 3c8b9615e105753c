/**
 * The stack a benchmark runs on, started for the run and stopped after it: a Temporal dev server
 * and FerretDB on free ports (or the services TEMPORAL_ADDRESS / MONGODB_URI name; a MongoDB gets
 * a database of its own), then the real API and worker processes with an admin key of the run's.
 * The run's folder (logs, data) is removed afterwards, unless the run failed or KEEP_BENCH_DIR is set.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { generateKey } from '../../api/auth/api-keys';
import { freePort, startMongo, startTemporal, type RunningService } from '../services';
import { startApi, startWorker, type AppProcess } from '../stack';
import type { Watched } from './cpu';
import type { Log } from './report';

export interface BenchStack {
  temporalAddress: string;
  mongoUri: string;
  apiUrl: string;
  adminKey: string;
  /** A connection of the benchmark's own to the database the stack uses. */
  db: mongoose.Connection;
  /** The stack's processes, for their CPU (services named by the environment have no pid here). */
  processes: Watched[];
}

/** Runs `work` on a stack of its own named `name` (its database and folder carry the name). */
export async function withBenchStack<T>(name: string, log: Log, work: (stack: BenchStack) => Promise<T>, extraEnv: Record<string, string> = {}): Promise<T> {
  // Interrupted: exit, so that the services and processes this run started are stopped with it (services.ts).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  const runDir = await mkdtemp(path.join(os.tmpdir(), `leadflow-${name}-`));
  const services: RunningService[] = [];
  const apps: AppProcess[] = [];
  let db: mongoose.Connection | undefined;
  let failed = true;
  try {
    log('starting a Temporal dev server and FerretDB on free ports…');
    const [temporal, mongo] = await Promise.all([
      startTemporal({ port: 0, dbFile: path.join(runDir, 'temporal.sqlite'), logFile: path.join(runDir, 'temporal.log'), log }).then(track(services)),
      startMongo({ port: 0, dataDir: path.join(runDir, 'ferretdb'), logFile: path.join(runDir, 'ferretdb.log'), database: `leadflow_${name.replace(/\W/g, '_')}`, log }).then(track(services)),
    ]);
    const mongoUri = mongo.external ? withDatabase(mongo.address, name) : mongo.address;
    const { key: adminKey } = generateKey();
    const env = { temporalAddress: temporal.address, mongoUri, logDir: runDir, extra: { LEADFLOW_ADMIN_KEY: adminKey, ...extraEnv } };
    log('starting the API and a worker…');
    const [apiProcess, workerProcess] = await Promise.all([startApi(env, await freePort()).then(track(apps)), startWorker(env).then(track(apps))]);
    db = await mongoose.createConnection(mongoUri).asPromise();
    const processes: Watched[] = [
      { name: 'Temporal', pid: temporal.child?.pid },
      { name: 'FerretDB', pid: mongo.external ? undefined : mongo.child?.pid },
      { name: 'worker', pid: workerProcess.child.pid },
      { name: 'API', pid: apiProcess.child.pid },
    ];
    const result = await work({ temporalAddress: temporal.address, mongoUri, apiUrl: apiProcess.url as string, adminKey, db, processes });
    failed = false;
    return result;
  } finally {
    await db?.close().catch(() => undefined);
    // Our processes first, then the services they use.
    await Promise.all(apps.map((app) => app.stop()));
    await Promise.all(services.map((service) => service.stop()));
    if (failed || process.env.KEEP_BENCH_DIR) log(`logs and data of this run: ${runDir}`);
    else await rm(runDir, { recursive: true, force: true });
  }
}

const track =
  <T extends RunningService | AppProcess>(into: T[]) =>
  (item: T): T => {
    into.push(item);
    return item;
  };

/** A run against an existing MongoDB gets a database of its own, so it never touches real data. */
function withDatabase(uri: string, name: string): string {
  const url = new URL(uri);
  url.pathname = `/leadflow_${name.replace(/\W/g, '_')}_${Date.now()}`;
  return url.toString();
}
