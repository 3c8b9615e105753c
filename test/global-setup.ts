/**
 * Starts the real services the integration tests talk to, once per run: a Temporal dev server
 * and a MongoDB-protocol server (FerretDB on SQLite), or those named by TEMPORAL_ADDRESS and
 * MONGODB_URI. Tests read their addresses with `inject('temporalAddress')` / `inject('mongoUri')`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { generateKey } from '../api/auth/api-keys';
import { startMongo, startTemporal, type RunningService } from '../scripts/services';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    mongoUri: string;
    /** Where the services' logs and data of this run live. */
    runDir: string;
    /** An admin API key every API the tests start accepts (LEADFLOW_ADMIN_KEY). */
    adminKey: string;
  }
}

export default async function setup(project: TestProject) {
  const runDir = await mkdtemp(path.join(os.tmpdir(), 'leadflow-test-'));
  const log = (line: string) => console.log(`[test services] ${line}`);
  const started: RunningService[] = [];
  try {
    started.push(await startTemporal({ port: 0, logFile: path.join(runDir, 'temporal.log'), log }));
    started.push(
      await startMongo({
        port: 0,
        dataDir: path.join(runDir, 'ferretdb'),
        logFile: path.join(runDir, 'ferretdb.log'),
        database: `leadflow_test_${process.pid}`,
        log,
      }),
    );
  } catch (err) {
    await Promise.all(started.map((service) => service.stop()));
    throw err;
  }
  const [temporal, mongo] = started as [RunningService, RunningService];
  project.provide('temporalAddress', temporal.address);
  project.provide('mongoUri', withDatabase(mongo.address, mongo.external));
  project.provide('runDir', runDir);
  // The APIs the tests start inherit this environment and register the key as admin.
  const { key } = generateKey();
  process.env.LEADFLOW_ADMIN_KEY = key;
  project.provide('adminKey', key);

  return async () => {
    await Promise.all(started.map((service) => service.stop()));
    if (!process.env.KEEP_RUN_DIR) await rm(runDir, { recursive: true, force: true });
  };
}

/** A run against an existing MongoDB gets a database of its own, so it never touches real data. */
function withDatabase(uri: string, external: boolean): string {
  if (!external) return uri;
  const url = new URL(uri);
  url.pathname = `/leadflow_test_${process.pid}_${Date.now()}`;
  return url.toString();
}
