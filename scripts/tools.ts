/**
 * Obtaining the binaries LeadFlow runs on: the Temporal CLI, FerretDB, Temporal's Java
 * time-skipping test server and Chromium, shared by `npm start`, the test suite and CI.
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

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TOOLS_DIR = process.env.LEADFLOW_TOOLS_DIR ?? path.join(ROOT, '.tools');

const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
// Later tags carry a `replace` directive that `go install` refuses.
const TEMPORAL_CLI_VERSION = 'v1.5.1';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
const FERRETDB_VERSION = 'v1.24.2';
/** Bumped whenever FERRETDB_PATCHES change, so that a cached binary without them is rebuilt. */
const FERRETDB_BUILD = `${FERRETDB_VERSION}-leadflow.4`;
const CHROMIUM_PATH = '/usr/bin/chromium';

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
 * `build/version/version.txt` that FerretDB's own build generates, patched (FERRETDB_PATCHES)
 * and built as the main module.
 */
export async function ensureFerretDb(log: Log = defaultLog): Promise<string> {
  const bin = path.join(TOOLS_DIR, 'bin', 'ferretdb');
  const stamp = `${bin}.build`;
  // A binary put there by hand has no stamp and is used as it is; one built before the current
  // patches is rebuilt.
  if (existsSync(bin) && (!existsSync(stamp) || (await readFile(stamp, 'utf8')).trim() === FERRETDB_BUILD)) return bin;
  if (!(await hasCommand('go'))) {
    throw new ServiceError(
      'No MongoDB-protocol database available. Either set MONGODB_URI to a running MongoDB ' +
        '(e.g. `docker compose up -d mongo` and MONGODB_URI=mongodb://localhost:27017/leadflow), ' +
        `put a FerretDB v1 binary at ${bin}, or install Go (https://go.dev/dl) so that it can be built.`,
    );
  }
  log(`building FerretDB ${FERRETDB_BUILD} with Go (first time only; ~2 min on 2 cores)`);
  const downloaded = await run('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`]);
  const moduleDir = (JSON.parse(downloaded) as { Dir?: string }).Dir;
  if (!moduleDir) throw new ServiceError(`go mod download gave no directory for FerretDB: ${downloaded}`);
  const src = path.join(TOOLS_DIR, 'src', `ferretdb-${FERRETDB_VERSION}`);
  await rm(src, { recursive: true, force: true });
  await cp(moduleDir, src, { recursive: true });
  await chmodTree(src);
  await writeFile(path.join(src, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
  await patchFerretDb(src);
  const tmp = `${bin}.tmp`;
  await mkdir(path.dirname(bin), { recursive: true });
  await withProgress(log, 'FerretDB build', () => run('go', ['build', '-o', tmp, './cmd/ferretdb'], { cwd: src }));
  await rename(tmp, bin);
  await writeFile(stamp, `${FERRETDB_BUILD}\n`);
  await rm(src, { recursive: true, force: true });
  log(`FerretDB cached at ${bin}`);
  return bin;
}

/**
 * Changes LeadFlow makes to FerretDB v1.24.2 before building it: without them its SQLite backend
 * uses no index at all, so every lookup of one document scans its whole collection (429 ms for
 * one `_id` among 200,000 events; a rescoring of 100,000 leads would take days).
 */
const FERRETDB_PATCHES: Array<{ file: string; why: string; from: string; to: string; times: number }> = [
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    why:
      "Queries read `_id` as `_ferretdb_sjson->'$._id'`, but the `_id_` index is built on " +
      '`_ferretdb_sjson->"_id"`: SQLite only uses an expression index for the same expression, so ' +
      "the query now reads `->'_id'`, which SQLite parses to the index's expression (same JSON value).",
    from: `IDColumn = DefaultColumn + "->'$._id'"`,
    to: `IDColumn = DefaultColumn + "->'_id'"`,
    times: 1,
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    why:
      'The `_id` equality was pushed down only when it was the whole filter. It now is whenever the ' +
      'filter has one (a guarded write: `{_id, revision: {$lt: n}}`); a query without a filter has none. The handler still applies the ' +
      'whole filter to what the backend returns, so narrowing by `_id` first changes no result. ' +
      'Both the query and its explain are changed.',
    from: `	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")`,
    to: `	if params.Filter != nil && params.Filter.Has("_id") {
		v, _ := params.Filter.Get("_id")`,
    times: 2,
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    why:
      '`_id: {$in: [...]}` of strings or ObjectIDs is pushed down as `_id IN (...)`, so that a batch ' +
      'of documents is read or deleted by its ids through the index (explain shows the plan but still ' +
      'reports no filter pushdown for it).',
    from: `			whereClause = fmt.Sprintf(\` WHERE %s = ?\`, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}`,
    to: `			whereClause = fmt.Sprintf(\` WHERE %s = ?\`, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		case *types.Document:
			whereClause, args = leadflowIDIn(v.(*types.Document))
		}`,
    times: 2,
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    why: 'The prefilter below needs the regexp package.',
    from: `	"sort"
	"strings"
`,
    to: `	"regexp"
	"sort"
	"strings"
`,
    times: 1,
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    why:
      'Other top-level fields compared with strings (equality, $gt/$gte/$lt/$lte, $in) become a ' +
      'prefilter that SQLite evaluates on the stored JSON, so FerretDB decodes only the documents ' +
      'that can match instead of every one (about 3 µs a row in SQLite against 80 µs in FerretDB). ' +
      'A document whose field is an array always passes it, as do other types where SQLite cannot ' +
      'tell; the handler then applies the whole filter as before.',
    from: `	q += whereClause
`,
    to: `	if extra, extraArgs := leadflowFieldClauses(params.Filter); extra != "" {
		if whereClause == "" {
			whereClause = " WHERE " + extra
		} else {
			whereClause += " AND " + extra
		}
		args = append(args, extraArgs...)
	}

	q += whereClause
`,
    times: 1,
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    why: 'The function the `$in` pushdown calls, added at the end of the file.',
    from: `// check interfaces
`,
    to: `// leadflowFieldKey is a top-level field name the prefilter may name in a JSON path.
var leadflowFieldKey = regexp.MustCompile(\`^[A-Za-z_][A-Za-z0-9_]*$\`)

// leadflowFieldClauses is a SQL prefilter for the filter's top-level fields (other than _id)
// compared with strings: it keeps every document that can match (added by LeadFlow; the handler
// still filters every returned document). A field holding an array always passes.
func leadflowFieldClauses(filter *types.Document) (string, []any) {
	if filter == nil {
		return "", nil
	}
	var clauses []string
	var args []any
	seen := map[string]int{}
	for _, key := range filter.Keys() {
		seen[key]++
	}
	for key, times := range seen {
		// A key given twice is left to the handler (Get would panic on it).
		if times != 1 || key == "_id" || !leadflowFieldKey.MatchString(key) {
			continue
		}
		path := "'$." + key + "'"
		value := must.NotFail(filter.Get(key))
		var conds []string
		var condArgs []any
		switch v := value.(type) {
		case string:
			conds, condArgs = []string{"= ?"}, []any{v}
		case *types.Document:
			ops := map[string]string{"$eq": "= ?", "$gt": "> ?", "$gte": ">= ?", "$lt": "< ?", "$lte": "<= ?"}
			for _, op := range v.Keys() {
				operand, err := v.Get(op)
				if err != nil {
					continue
				}
				if sql, ok := ops[op]; ok {
					if str, isString := operand.(string); isString {
						conds, condArgs = append(conds, sql), append(condArgs, str)
					}
					continue
				}
				if op != "$in" {
					continue
				}
				arr, isArray := operand.(*types.Array)
				if !isArray || arr.Len() == 0 || arr.Len() > 10000 {
					continue
				}
				in := make([]any, 0, arr.Len())
				for i := 0; i < arr.Len(); i++ {
					if str, isString := must.NotFail(arr.Get(i)).(string); isString {
						in = append(in, str)
					}
				}
				if len(in) == arr.Len() {
					conds = append(conds, "IN (?"+strings.Repeat(", ?", len(in)-1)+")")
					condArgs = append(condArgs, in...)
				}
			}
		}
		if len(conds) == 0 {
			continue
		}
		field := fmt.Sprintf("%s->>%s", metadata.DefaultColumn, path)
		for i := range conds {
			conds[i] = field + " " + conds[i]
		}
		clauses = append(clauses, fmt.Sprintf("(json_type(%s, %s) = 'array' OR (%s))", metadata.DefaultColumn, path, strings.Join(conds, " AND ")))
		args = append(args, condArgs...)
	}
	return strings.Join(clauses, " AND "), args
}

// leadflowIDIn is the WHERE clause for \`{$in: [...]}\` on _id, or none when a value is not a
// string or an ObjectID (added by LeadFlow; the handler still filters every returned document).
func leadflowIDIn(d *types.Document) (string, []any) {
	in, err := d.Get("$in")
	if err != nil || d.Len() != 1 {
		return "", nil
	}
	arr, ok := in.(*types.Array)
	if !ok || arr.Len() == 0 || arr.Len() > 10000 {
		return "", nil
	}
	args := make([]any, 0, arr.Len())
	for i := 0; i < arr.Len(); i++ {
		switch v := must.NotFail(arr.Get(i)).(type) {
		case string, types.ObjectID:
			args = append(args, string(must.NotFail(sjson.MarshalSingleValue(v))))
		default:
			return "", nil
		}
	}
	return fmt.Sprintf(\` WHERE %s IN (?%s)\`, metadata.IDColumn, strings.Repeat(", ?", len(args)-1)), args
}

// check interfaces
`,
    times: 1,
  },
];

async function patchFerretDb(src: string): Promise<void> {
  for (const patch of FERRETDB_PATCHES) {
    const file = path.join(src, patch.file);
    const text = await readFile(file, 'utf8');
    // Applied exactly where expected, or the build stops: a changed upstream file must be looked at again.
    if (text.split(patch.from).length !== patch.times + 1) throw new ServiceError(`FerretDB patch no longer applies to ${patch.file}: ${patch.why}`);
    // A function, so that `$` in the Go code is not read as a replacement pattern.
    await writeFile(file, text.replaceAll(patch.from, () => patch.to));
  }
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
