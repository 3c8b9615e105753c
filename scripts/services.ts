/**
 * Starting the real services LeadFlow runs on — the Temporal dev server and a MongoDB-protocol
 * server — or finding the ones TEMPORAL_ADDRESS and MONGODB_URI name; and the process and port
 * plumbing that `npm start` and the tests share. Binaries come from tools.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { defaultLog, ensureFerretDb, ensureTemporalCli, ServiceError, TOOLS_DIR, type Log } from './tools';

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
  /** The server's process, when we started it: `npm start` restarts it if it dies. */
  child?: ChildProcess;
  logFile?: string;
  stop(): Promise<void>;
}

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
/**
 * The embedded Temporal server's SQLite: WAL lets the UI and history readers work while the server
 * writes; synchronous=normal syncs the log at checkpoints instead of at every commit, so a commit
 * survives a process crash (only a power loss can take the last ones), as FerretDB's does below.
 * Every signal and workflow task is a commit: this is most of what a lead's turn waits for.
 */
const TEMPORAL_SQLITE_PRAGMAS = ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'];
/**
 * The dev server keeps the state of 512 workflows in memory by default (per history shard; it has
 * one): with more leads than that busy, a turn first reads its lead's state back from SQLite.
 * Measured in `npm run bench:live` (1,000 leads busy): interleaved 221 → 267 events/s. The cache
 * then costs up to several hundred MB (about 900 MB of RSS with 10,000 imported leads busy).
 */
const TEMPORAL_DYNAMIC_CONFIG = ['--dynamic-config-value', 'history.cacheMaxSize=8192'];
/**
 * The embedded Temporal server and FerretDB are Go programs that allocate per request; with Go's
 * default (GOGC=100) their garbage collector took about a tenth of their CPU under load. A larger
 * heap between collections trades memory (tens of MB) for that CPU.
 *
 * They also share the machine with the worker and the API. Go runs a scheduler thread per core,
 * and one that runs out of work spins looking for more before it sleeps: under a steady stream
 * that is not saturating the machine, that spinning took CPU the other processes wanted
 * (measured on 2 cores at 90 events/s: Temporal 5.7-6.4 and FerretDB 4.2-4.6 ms of CPU per event
 * with 2 threads each, 5.0 and 3.6 with one). So each gets half the cores, at least one.
 * GOGC and GOMAXPROCS in the environment win.
 */
const embeddedGoEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  GOGC: process.env.GOGC ?? '400',
  GOMAXPROCS: process.env.GOMAXPROCS ?? String(Math.max(1, Math.floor(os.availableParallelism() / 2))),
});

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
  args.push('--namespace', 'default', ...TEMPORAL_DYNAMIC_CONFIG);
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbFile) {
    await mkdir(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile, ...TEMPORAL_SQLITE_PRAGMAS);
  }
  const child = await spawnService('temporal', bin, args, options.logFile, embeddedGoEnv());
  await waitForPort('127.0.0.1', port, 60_000, 'Temporal dev server', child, options.logFile).catch(stopAndThrow(child));
  return {
    name: 'temporal',
    address: `127.0.0.1:${port}`,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined,
    external: false,
    pid: child.pid,
    child,
    logFile: options.logFile,
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
    // WAL with synchronous=NORMAL: a commit no longer waits for the disk, and nothing committed is
    // lost if a process crashes (only a power loss can take the last commits). Halves the cost of
    // each single-document update on this machine (measured: 990 to 470 µs).
    `--sqlite-url=file:${options.dataDir}/?_pragma=synchronous(normal)`,
    `--state-dir=${options.dataDir}`,
    `--listen-addr=127.0.0.1:${port}`,
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=warn',
  ];
  const child = await spawnService('ferretdb', bin, args, options.logFile, embeddedGoEnv());
  await waitForPort('127.0.0.1', port, 30_000, 'FerretDB', child, options.logFile).catch(stopAndThrow(child));
  return {
    name: 'mongodb',
    address: `mongodb://127.0.0.1:${port}/${options.database ?? 'leadflow'}`,
    external: false,
    pid: child.pid,
    child,
    logFile: options.logFile,
    stop: () => stopChild(child),
  };
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
        extraArgs: options.dbFile ? TEMPORAL_SQLITE_PRAGMAS : [],
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

/**
 * For a start that gave up waiting: the process it spawned must not stay behind, holding the port
 * the next attempt needs.
 */
export function stopAndThrow(child: ChildProcess): (err: unknown) => Promise<never> {
  return async (err) => {
    await stopChild(child, 2_000);
    throw err;
  };
}

/** Sends `signal` to every process in the child's process group. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
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

/** True when something accepts TCP connections on host:port. */
export function canConnect(host: string, port: number): Promise<boolean> {
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

