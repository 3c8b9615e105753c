/**
 * `npm start`: starts the whole product on one machine — Temporal dev server with its Web UI,
 * FerretDB (or the MongoDB in MONGODB_URI), the API (which publishes the default model on first
 * start), a worker and the builder UI — prints the URLs, restarts any of those processes that
 * dies (supervisor.ts), and stops everything on Ctrl-C.
 * Data stays in .data/ between starts; built binaries stay in .tools/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { startApi, startUi, startWorker, type AppProcess } from './stack';
import { canConnect, freePort, startMongo, startTemporal, type RunningService } from './services';
import { supervise, type Started, type Supervised } from './supervisor';
import { ROOT } from './tools';

const config = z
  .object({
    LEADFLOW_DATA_DIR: z.string().default(path.join(ROOT, '.data')),
    LEADFLOW_HOST: z.string().default('127.0.0.1'),
    TEMPORAL_PORT: z.coerce.number().int().default(7233),
    TEMPORAL_UI_PORT: z.coerce.number().int().default(8233),
    MONGO_PORT: z.coerce.number().int().default(27017),
    API_PORT: z.coerce.number().int().default(3000),
    UI_PORT: z.coerce.number().int().default(5173),
  })
  .parse(process.env);

const log = (line: string) => console.log(`[leadflow] ${line}`);
const dataDir = path.resolve(config.LEADFLOW_DATA_DIR);
const logDir = path.join(dataDir, 'logs');
const services: Array<Supervised<RunningService>> = [];
const processes: Array<Supervised<AppProcess>> = [];
let stopping = false;

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(0));

try {
  await checkPortsFree();
  buildUiIfStale();
  // A restarted server must come back where its clients look for it: port 0 is chosen once.
  const temporalPort = config.TEMPORAL_PORT || (await freePort());
  const mongoPort = config.MONGO_PORT || (await freePort());
  log('starting Temporal and the database…');
  const [temporal, mongo] = await Promise.all([
    keep(services, 'Temporal', () =>
      startTemporal({
        port: temporalPort,
        uiPort: config.TEMPORAL_UI_PORT,
        dbFile: path.join(dataDir, 'temporal', 'temporal.db'),
        logFile: path.join(logDir, 'temporal.log'),
        log,
      }),
    ),
    keep(services, 'FerretDB', () =>
      startMongo({ port: mongoPort, dataDir: path.join(dataDir, 'ferretdb'), logFile: path.join(logDir, 'ferretdb.log'), log }),
    ),
  ]);
  const firstKeyFile = path.join(dataDir, 'first-admin-key');
  const env = { temporalAddress: temporal.address, mongoUri: mongo.address, logDir, extra: { LEADFLOW_FIRST_KEY_FILE: firstKeyFile } };
  log('starting the API, a worker and the builder UI…');
  const api = await keep(processes, 'API', () => startApi(env, config.API_PORT, config.LEADFLOW_HOST));
  const firstAdminKey = await takeFirstAdminKey(firstKeyFile);
  await keep(processes, 'worker', () => startWorker(env));
  const ui = await keep(processes, 'builder UI server', () => startUi(env, config.UI_PORT, api.url as string, config.LEADFLOW_HOST));

  console.log(`
LeadFlow is running.
  Builder UI       ${ui.url}
  API              ${api.url}/api   (try: curl ${api.url}/api/models/current)
  Temporal Web UI  ${temporal.uiUrl ?? `(external server ${temporal.address})`}
  Temporal         ${temporal.address}${temporal.external ? '  (from TEMPORAL_ADDRESS)' : ''}
  MongoDB          ${mongo.address}${mongo.external ? '  (from MONGODB_URI)' : ''}
  Data             ${dataDir}
  Logs             ${logDir}${
    firstAdminKey
      ? `
  Admin API key    ${firstAdminKey}
                   (shown this once; only its hash is stored. Sign in to the builder UI with it,
                   and create keys for marketing, reviewers, sales and ingest: POST /api/keys)`
      : ''
  }
A process that stops on its own is started again, after a pause that grows with each crash
(1 s up to 30 s); each restart is logged here.
Press Ctrl-C to stop.`);
} catch (err) {
  console.error(`[leadflow] could not start: ${(err as Error).message}`);
  await stop(1);
}

/** Starts a process under supervision, listed in `into` so that `stop` ends it. */
async function keep<T extends Started>(into: Array<Supervised<T>>, name: string, start: () => Promise<T>): Promise<T> {
  const supervised = await supervise(name, start, { log });
  into.push(supervised);
  if (stopping) await supervised.stop();
  return supervised.current();
}

/** The admin key the API made on its first start, read once from its private file and deleted. */
async function takeFirstAdminKey(file: string): Promise<string | undefined> {
  const key = await readFile(file, 'utf8').catch(() => undefined);
  await rm(file, { force: true });
  return key?.trim();
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  // Our processes first, then the services they use; nothing is restarted from here on.
  await Promise.all(processes.map((app) => app.stop()));
  await Promise.all(services.map((service) => service.stop()));
  log('stopped');
  process.exit(code);
}

async function checkPortsFree(): Promise<void> {
  const wanted: Array<[string, number, boolean]> = [
    ['TEMPORAL_PORT', config.TEMPORAL_PORT, !process.env.TEMPORAL_ADDRESS],
    ['TEMPORAL_UI_PORT', config.TEMPORAL_UI_PORT, !process.env.TEMPORAL_ADDRESS],
    ['MONGO_PORT', config.MONGO_PORT, !process.env.MONGODB_URI],
    ['API_PORT', config.API_PORT, true],
    ['UI_PORT', config.UI_PORT, true],
  ];
  for (const [name, port, needed] of wanted) {
    if (needed && (await canConnect('127.0.0.1', port))) {
      throw new Error(`port ${port} is in use (another LeadFlow?). Stop that process or choose another port with ${name}=…`);
    }
  }
}


/** Builds the UI when it was never built or its sources changed since; otherwise reuses it. */
function buildUiIfStale(): void {
  const built = path.join(ROOT, 'builder-ui', 'dist', 'index.html');
  const sources = [path.join(ROOT, 'builder-ui', 'src'), path.join(ROOT, 'builder-ui', 'index.html'), path.join(ROOT, 'rules')];
  if (existsSync(built) && newestMtime(sources) <= statSync(built).mtimeMs) return;
  log('building the builder UI…');
  const result = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'builder-ui/vite.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('the builder UI did not build');
}

function newestMtime(paths: string[]): number {
  let newest = 0;
  for (const entry of paths) {
    if (!existsSync(entry)) continue;
    const stat = statSync(entry);
    if (stat.isDirectory()) newest = Math.max(newest, newestMtime(readdirSync(entry).map((name) => path.join(entry, name))));
    else newest = Math.max(newest, stat.mtimeMs);
  }
  return newest;
}
