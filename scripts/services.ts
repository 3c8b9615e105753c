/**
 * The real services LeadFlow runs on, obtained and started in one way for `npm start`, the test
 * suite and CI.
 *
 * Each binary is found in this order (../shared/DESIGN.md): a reachable service named by an
 * environment variable; a binary cached under `.tools/`; a build from its Go module, or its jars
 * from Maven Central; the Temporal SDK's own download (needs the internet); otherwise an error
 * that lists these options. What was built is cached and never rebuilt.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TOOLS_DIR = process.env.LEADFLOW_TOOLS_DIR ?? path.join(ROOT, '.tools');

const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
// Later tags carry a `replace` directive that `go install` refuses.
const TEMPORAL_CLI_VERSION = 'v1.5.1';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
const FERRETDB_VERSION = 'v1.24.2';
const CHROMIUM_PATH = '/usr/bin/chromium';

export type Log = (line: string) => void;
const defaultLog: Log = (line) => console.log(`[services] ${line}`);

/** A started (or found) service. `stop` is safe to call twice. */
export interface RunningService {
  name: string;
  /** host:port for Temporal, a mongodb:// URI for the database. */
  address: string;
  /** The Temporal Web UI, when there is one. */
  uiUrl?: string;
  /** True when an environment variable named an existing service: we did not start it. */
  external: boolean;
  pid?: number;
  stop(): Promise<void>;
}

export class ServiceError extends Error {
  override name = 'ServiceError';
}

// ---------------------------------------------------------------------------------------------
// Obtaining binaries
// ---------------------------------------------------------------------------------------------

/**
 * Path of the Temporal CLI, building it from its Go module on first use.
 * Returns undefined when there is no Go toolchain: callers then use the SDK's download.
 */
export async function ensureTemporalCli(log: Log = defaultLog): Promise<string | undefined> {
  const bin = path.join(TOOLS_DIR, 'bin', 'temporal');
  if (existsSync(bin)) return bin;
  if (!(await hasCommand('go'))) return undefined;
  log(`building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go (first time only; ~5 min on 2 cores)`);
  const gobin = await mkdtemp(path.join(os.tmpdir(), 'leadflow-gobin-'));
  await withProgress(log, 'Temporal CLI build', () =>
    run('go', ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], { env: { GOBIN: gobin } }),
  );
  await mkdir(path.dirname(bin), { recursive: true });
  await rename(path.join(gobin, 'temporal'), bin);
  await rm(gobin, { recursive: true, force: true });
  log(`Temporal CLI cached at ${bin}`);
  return bin;
}

/**
 * Path of FerretDB v1, building it from its Go module on first use.
 *
 * `go install …@v1.24.2` cannot be used: the module proxy refuses FerretDB's version list, which
 * `go install` reads to check for deprecation. So the module is downloaded, copied, given the
 * `build/version/version.txt` that FerretDB's own build generates, and built as the main module.
 */
export async function ensureFerretDb(log: Log = defaultLog): Promise<string> {
  const bin = path.join(TOOLS_DIR, 'bin', 'ferretdb');
  if (existsSync(bin)) return bin;
  if (!(await hasCommand('go'))) {
    throw new ServiceError(
      'No MongoDB-protocol database available. Either set MONGODB_URI to a running MongoDB ' +
        '(e.g. `docker compose up -d mongo` and MONGODB_URI=mongodb://localhost:27017/leadflow), ' +
        `put a FerretDB v1 binary at ${bin}, or install Go (https://go.dev/dl) so that it can be built.`,
    );
  }
  log(`building FerretDB ${FERRETDB_VERSION} with Go (first time only; ~2 min on 2 cores)`);
  const downloaded = await run('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`]);
  const moduleDir = (JSON.parse(downloaded) as { Dir?: string }).Dir;
  if (!moduleDir) throw new ServiceError(`go mod download gave no directory for FerretDB: ${downloaded}`);
  const src = path.join(TOOLS_DIR, 'src', `ferretdb-${FERRETDB_VERSION}`);
  await rm(src, { recursive: true, force: true });
  await cp(moduleDir, src, { recursive: true });
  await chmodTree(src);
  await writeFile(path.join(src, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
  const tmp = `${bin}.tmp`;
  await mkdir(path.dirname(bin), { recursive: true });
  await withProgress(log, 'FerretDB build', () => run('go', ['build', '-o', tmp, './cmd/ferretdb'], { cwd: src }));
  await rename(tmp, bin);
  await rm(src, { recursive: true, force: true });
  log(`FerretDB cached at ${bin}`);
  return bin;
}

/**
 * Path of an executable that runs Temporal's Java time-skipping test server
 * (`<exe> <port> --enable-time-skipping`), fetching its jars with Maven on first use.
 * Returns undefined without Java and Maven: callers then use the SDK's download.
 */
export async function ensureTestServer(log: Log = defaultLog): Promise<string | undefined> {
  const dir = path.join(TOOLS_DIR, 'temporal-test-server');
  const exe = path.join(dir, 'test-server');
  if (existsSync(exe)) return exe;
  if (!(await hasCommand('java')) || !(await hasCommand('mvn'))) return undefined;
  log('fetching the Temporal Java test server with Maven (first time only)');
  const lib = path.join(dir, 'lib');
  await rm(lib, { recursive: true, force: true });
  await withProgress(log, 'Maven fetch', () =>
    run('mvn', [
      '-q',
      '-B',
      '-f',
      path.join(ROOT, 'tools', 'temporal-test-server', 'pom.xml'),
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${lib}`,
    ]),
  );
  // TieredStopAtLevel=1 trims JVM start-up: the SDK gives the server only 5 s to accept connections.
  const script = '#!/bin/sh\nexec java -XX:TieredStopAtLevel=1 -cp "$(dirname "$0")/lib/*" io.temporal.testserver.TestServer "$@"\n';
  await writeFile(`${exe}.tmp`, script);
  await chmod(`${exe}.tmp`, 0o755);
  await rename(`${exe}.tmp`, exe);
  log(`test server cached at ${dir}`);
  return exe;
}

/** Path of Debian's Chromium, installing the package when running as root with apt-get. */
export async function ensureChromium(log: Log = defaultLog): Promise<string> {
  const configured = process.env.CHROMIUM_PATH ?? CHROMIUM_PATH;
  if (existsSync(configured)) return configured;
  if (process.getuid?.() === 0 && (await hasCommand('apt-get'))) {
    log('installing Debian chromium with apt-get (first time only)');
    await withProgress(log, 'apt-get install chromium', async () => {
      await run('apt-get', ['update', '-qq']);
      await run('apt-get', ['install', '-y', '-qq', 'chromium'], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
    });
    if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  }
  throw new ServiceError(
    `No Chromium at ${configured}. Install it (Debian/Ubuntu: \`sudo apt-get install chromium\`) ` +
      'or set CHROMIUM_PATH to a Chromium or Chrome executable.',
  );
}

/** Obtains every binary the test suite needs, so that the first test does not wait on a build. */
export async function ensureAllTools(log: Log = defaultLog): Promise<void> {
  if (!process.env.TEMPORAL_ADDRESS) await ensureTemporalCli(log);
  if (!process.env.MONGODB_URI) await ensureFerretDb(log);
  await ensureTestServer(log);
  await ensureChromium(log);
}

// ---------------------------------------------------------------------------------------------
// Starting services
// ---------------------------------------------------------------------------------------------

export interface TemporalOptions {
  /** gRPC port; 0 picks a free one. */
  port: number;
  /** Web UI port; undefined runs headless. */
  uiPort?: number;
  /** SQLite file that keeps workflows across restarts; undefined keeps them in memory. */
  dbFile?: string;
  /** Where the server's output goes. */
  logFile: string;
  log?: Log;
}

/** Starts the Temporal CLI dev server, or returns the one `TEMPORAL_ADDRESS` names. */
export async function startTemporal(options: TemporalOptions): Promise<RunningService> {
  const log = options.log ?? defaultLog;
  const external = process.env.TEMPORAL_ADDRESS;
  if (external) {
    const [host, port] = splitHostPort(external);
    await waitForPort(host, port, 10_000, `Temporal at TEMPORAL_ADDRESS=${external}`);
    return { name: 'temporal', address: external, external: true, stop: async () => {} };
  }
  const port = options.port || (await freePort());
  const bin = await ensureTemporalCli(log);
  if (!bin) return startTemporalFromSdkDownload({ ...options, port }, log);

  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  args.push('--namespace', 'default');
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbFile) {
    await mkdir(path.dirname(options.dbFile), { recursive: true });
    // WAL lets the UI and history readers work while the server writes.
    args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=wal');
  }
  const child = await spawnService('temporal', bin, args, options.logFile);
  await waitForPort('127.0.0.1', port, 60_000, 'Temporal dev server', child, options.logFile);
  return {
    name: 'temporal',
    address: `127.0.0.1:${port}`,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined,
    external: false,
    pid: child.pid,
    stop: () => stopChild(child),
  };
}

export interface MongoOptions {
  port: number;
  /** Folder for FerretDB's SQLite files. */
  dataDir: string;
  logFile: string;
  /** Database name inside the server. */
  database?: string;
  log?: Log;
}

/** Starts FerretDB v1 on SQLite, or returns the MongoDB that `MONGODB_URI` names. */
export async function startMongo(options: MongoOptions): Promise<RunningService> {
  const log = options.log ?? defaultLog;
  const external = process.env.MONGODB_URI;
  if (external) return { name: 'mongodb', address: external, external: true, stop: async () => {} };
  const bin = await ensureFerretDb(log);
  const port = options.port || (await freePort());
  await mkdir(options.dataDir, { recursive: true });
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${options.dataDir}/`,
    `--state-dir=${options.dataDir}`,
    `--listen-addr=127.0.0.1:${port}`,
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=warn',
  ];
  const child = await spawnService('ferretdb', bin, args, options.logFile);
  await waitForPort('127.0.0.1', port, 30_000, 'FerretDB', child, options.logFile);
  return {
    name: 'mongodb',
    address: `mongodb://127.0.0.1:${port}/${options.database ?? 'leadflow'}`,
    external: false,
    pid: child.pid,
    stop: () => stopChild(child),
  };
}

/**
 * The `server` option for `TestWorkflowEnvironment.createTimeSkipping`: the cached Java test
 * server, or the SDK's own download when Java and Maven are missing.
 */
export async function timeSkippingServerOption(log: Log = defaultLog) {
  const exe = await ensureTestServer(log);
  return exe
    ? { executable: { type: 'existing-path' as const, path: exe }, extraArgs: ['--enable-time-skipping'] }
    : { executable: { type: 'cached-download' as const, downloadDir: path.join(TOOLS_DIR, 'download') } };
}

async function startTemporalFromSdkDownload(options: TemporalOptions, log: Log): Promise<RunningService> {
  log('no Go toolchain: using the Temporal SDK download of the CLI (needs the internet)');
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  try {
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'cached-download', downloadDir: path.join(TOOLS_DIR, 'download') },
        ip: '127.0.0.1',
        port: options.port,
        ui: Boolean(options.uiPort),
        uiPort: options.uiPort,
        dbFilename: options.dbFile,
        extraArgs: options.dbFile ? ['--sqlite-pragma', 'journal_mode=wal'] : [],
      },
    });
    return {
      name: 'temporal',
      address: `127.0.0.1:${options.port}`,
      uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined,
      external: false,
      stop: () => env.teardown(),
    };
  } catch (err) {
    throw new ServiceError(
      `Could not obtain a Temporal server: ${(err as Error).message}. Either set TEMPORAL_ADDRESS to a ` +
        `running server, put the Temporal CLI at ${path.join(TOOLS_DIR, 'bin', 'temporal')}, or install Go ` +
        'so that it can be built.',
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Processes and ports
// ---------------------------------------------------------------------------------------------

/**
 * Spawns a long-running process in its own process group with output appended to `logFile`.
 * The group is killed when this Node process exits, so no server outlives its owner.
 */
export async function spawnService(
  name: string,
  command: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ChildProcess> {
  await mkdir(path.dirname(logFile), { recursive: true });
  const out = createWriteStream(logFile, { flags: 'a' });
  await new Promise((resolve) => out.once('open', resolve));
  const child = spawn(command, args, { stdio: ['ignore', out, out], detached: true, env });
  child.once('error', (err) => out.write(`[leadflow] ${name} failed to start: ${err.message}\n`));
  child.once('exit', () => out.end());
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  return child;
}

const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) killGroup(child, 'SIGKILL');
});

/** Sends SIGTERM to the child's process group and waits; SIGKILL after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Waits until host:port accepts TCP connections; fails early if `child` exits. */
export async function waitForPort(
  host: string,
  port: number,
  timeoutMs: number,
  what: string,
  child?: ChildProcess,
  logFile?: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const seeLog = logFile ? ` (see ${logFile})` : '';
  while (Date.now() < deadline) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new ServiceError(`${what} exited with ${child.exitCode ?? child.signalCode} before accepting connections${seeLog}`);
    }
    if (await canConnect(host, port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new ServiceError(`${what} did not accept connections on ${host}:${port} within ${timeoutMs / 1000} s${seeLog}`);
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function splitHostPort(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at) || '127.0.0.1', Number(address.slice(at + 1))];
}

async function hasCommand(command: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${command}`]);
    return true;
  } catch {
    return false;
  }
}

/** Runs a command to completion; resolves with stdout, rejects with stderr in the message. */
function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new ServiceError(`${command} ${args.join(' ')} exited with ${code}:\n${stderr.slice(-4000)}`)),
    );
  });
}

/** Prints a line every 30 s while a long step runs, so a first build does not look hung. */
async function withProgress<T>(log: Log, what: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const timer = setInterval(() => log(`${what}: still working (${Math.round((Date.now() - started) / 1000)} s)`), 30_000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    log(`${what}: done in ${Math.round((Date.now() - started) / 1000)} s`);
  }
}

async function chmodTree(dir: string): Promise<void> {
  // The Go module cache is read-only; the copy must be writable to add version.txt and to delete.
  await run('chmod', ['-R', 'u+w', dir]);
}
