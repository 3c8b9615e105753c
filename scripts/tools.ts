/**
 * Obtaining the binaries LeadFlow runs on: the Temporal CLI, FerretDB, Temporal's Java
 * time-skipping test server and Chromium, shared by `npm start`, the test suite and CI; and the
 * tests' API fuzzer, schemathesis, in a Python virtual environment of its own.
 *
 * Each is found in this order (../shared/DESIGN.md): a binary cached under `.tools/`; a build
 * from its Go module, or its jars from Maven Central; the Temporal SDK's own download (needs the
 * internet); otherwise an error that lists these options. What was built is never rebuilt.
 * (A service named by TEMPORAL_ADDRESS or MONGODB_URI needs no binary: see services.ts.)
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyPatches, patchLevel, readPatches } from './ferretdb-patches';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TOOLS_DIR = process.env.LEADFLOW_TOOLS_DIR ?? path.join(ROOT, '.tools');

const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
// Later tags carry a `replace` directive that `go install` refuses.
const TEMPORAL_CLI_VERSION = 'v1.5.1';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
const FERRETDB_VERSION = 'v1.24.2';
/** LeadFlow's patches to FerretDB's source (see ferretdb-patches.ts). */
export const FERRETDB_PATCH_DIR = path.join(ROOT, 'tools', 'ferretdb');
const CHROMIUM_PATH = '/usr/bin/chromium';
// Pinned: its checks and their names are part of what the fuzz test asserts.
const SCHEMATHESIS_VERSION = '4.32.5';

export type Log = (line: string) => void;
export const defaultLog: Log = (line) => console.log(`[services] ${line}`);

export class ServiceError extends Error {
  override name = 'ServiceError';
}

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
 * `build/version/version.txt` that FerretDB's own build generates, patched (tools/ferretdb/*.patch)
 * and built as the main module.
 */
export async function ensureFerretDb(log: Log = defaultLog): Promise<string> {
  const bin = path.join(TOOLS_DIR, 'bin', 'ferretdb');
  const stamp = `${bin}.build`;
  const patches = await readPatches(FERRETDB_PATCH_DIR);
  // The stamp names the patches' digest: a binary built with other patches (or none) is rebuilt.
  const build = `${FERRETDB_VERSION}-leadflow.${patchLevel(patches)}`;
  // A binary put there by hand has no stamp and is used as it is.
  if (existsSync(bin) && (!existsSync(stamp) || (await readFile(stamp, 'utf8')).trim() === build)) return bin;
  if (!(await hasCommand('go'))) {
    throw new ServiceError(
      'No MongoDB-protocol database available. Either set MONGODB_URI to a running MongoDB ' +
        '(e.g. `docker compose up -d mongo` and MONGODB_URI=mongodb://localhost:27017/leadflow), ' +
        `put a FerretDB v1 binary at ${bin}, or install Go (https://go.dev/dl) so that it can be built.`,
    );
  }
  log(`building FerretDB ${build} with Go (first time only; ~2 min on 2 cores)`);
  const downloaded = await run('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`]);
  const moduleDir = (JSON.parse(downloaded) as { Dir?: string }).Dir;
  if (!moduleDir) throw new ServiceError(`go mod download gave no directory for FerretDB: ${downloaded}`);
  const src = path.join(TOOLS_DIR, 'src', `ferretdb-${FERRETDB_VERSION}`);
  await rm(src, { recursive: true, force: true });
  await cp(moduleDir, src, { recursive: true });
  await chmodTree(src);
  await writeFile(path.join(src, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
  try {
    await applyPatches(src, patches);
  } catch (err) {
    throw new ServiceError((err as Error).message);
  }
  const tmp = `${bin}.tmp`;
  await mkdir(path.dirname(bin), { recursive: true });
  await withProgress(log, 'FerretDB build', () => run('go', ['build', '-o', tmp, './cmd/ferretdb'], { cwd: src }));
  await rename(tmp, bin);
  await writeFile(stamp, `${build}\n`);
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

/**
 * Path of the schemathesis command (the API fuzzer of test/fuzz.test.ts), installing the pinned
 * version from PyPI into a virtual environment under the tools folder on first use.
 * Throws, saying how, without a Python 3 that can make virtual environments.
 */
export async function ensureSchemathesis(log: Log = defaultLog): Promise<string> {
  const venv = path.join(TOOLS_DIR, `schemathesis-${SCHEMATHESIS_VERSION}`);
  const exe = path.join(venv, 'bin', 'schemathesis');
  // Written last: a venv whose install was cut short has none and is made again.
  const stamp = path.join(venv, 'installed');
  if (existsSync(stamp)) return exe;
  if (!(await hasCommand('python3'))) {
    throw new ServiceError(`No python3 to install schemathesis ${SCHEMATHESIS_VERSION} with. Install Python 3 with venv (Debian/Ubuntu: \`sudo apt-get install python3-venv\`).`);
  }
  log(`installing schemathesis ${SCHEMATHESIS_VERSION} from PyPI into ${venv} (first time only)`);
  await rm(venv, { recursive: true, force: true });
  await withProgress(log, 'schemathesis install', async () => {
    await run('python3', ['-m', 'venv', venv]);
    await run(path.join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`]);
  });
  await writeFile(stamp, `${SCHEMATHESIS_VERSION}\n`);
  log(`schemathesis cached at ${venv}`);
  return exe;
}

/** Path of Debian's Chromium, installing the package when running as root with apt-get. */
export function ensureChromium(log: Log = defaultLog): Promise<string> {
  return ensureDebianFile(log, { pkg: 'chromium', file: CHROMIUM_PATH, override: 'CHROMIUM_PATH', what: 'a Chromium or Chrome executable' });
}

const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/**
 * Path of libfaketime (Debian's `faketime` package): the test that runs the stack with every
 * clock a year ahead preloads it.
 */
export function ensureFaketime(log: Log = defaultLog): Promise<string> {
  return ensureDebianFile(log, { pkg: 'faketime', file: LIBFAKETIME, override: 'LIBFAKETIME_PATH', what: 'libfaketime.so.1' });
}

/**
 * A file of a Debian package: where the `override` variable says, or where the package puts it,
 * installing the package with apt-get when running as root; otherwise an error saying how.
 */
async function ensureDebianFile(log: Log, { pkg, file, override, what }: { pkg: string; file: string; override: string; what: string }): Promise<string> {
  const configured = process.env[override] ?? file;
  if (existsSync(configured)) return configured;
  if (process.getuid?.() === 0 && (await hasCommand('apt-get'))) {
    log(`installing Debian ${pkg} with apt-get (first time only)`);
    await withProgress(log, `apt-get install ${pkg}`, async () => {
      await run('apt-get', ['update', '-qq']);
      await run('apt-get', ['install', '-y', '-qq', pkg], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
    });
    if (existsSync(file)) return file;
  }
  throw new ServiceError(`No ${what} at ${configured}. Install it (Debian/Ubuntu: \`sudo apt-get install ${pkg}\`) or set ${override} to ${what}.`);
}

/** Obtains every binary the test suite needs, so that the first test does not wait on a build. */
export async function ensureAllTools(log: Log = defaultLog): Promise<void> {
  if (!process.env.TEMPORAL_ADDRESS) await ensureTemporalCli(log);
  if (!process.env.MONGODB_URI) await ensureFerretDb(log);
  await ensureTestServer(log);
  await ensureChromium(log);
  await ensureFaketime(log);
  await ensureSchemathesis(log);
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

export async function hasCommand(command: string): Promise<boolean> {
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
