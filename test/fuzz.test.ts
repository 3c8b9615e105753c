/**
 * The API fuzzed against its own OpenAPI document (issue #19): schemathesis sends generated
 * requests, valid and invalid, to the documented operations of a real stack (API, worker,
 * Temporal, the database), with each role's key, and runs every check it has on each answer. The
 * admin key reaches every operation; each other role's key the operations its role may call (that
 * the others answer it 403 is the role matrix's to show, in api-access.test.ts).
 * Any 5xx, any answer its document does not allow (status, content type, headers, body), any
 * invalid request accepted or valid one refused fails the test with schemathesis' own account.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../scripts/services';
import { startApi, startWorker, type AppProcess } from '../scripts/stack';
import { ensureSchemathesis } from '../scripts/tools';
import { ownDatabase } from './support/database';
import { request } from './support/http';

/** The configuration and hooks, each exception in them with its reason. */
const FUZZ_DIR = path.join(import.meta.dirname, 'fuzz');
/** Admin runs last: it may revoke keys (its own too) and register webhooks, which the others cannot. */
const ROLES = ['ingest', 'sales', 'reviewer', 'marketing', 'admin'] as const;
type Role = (typeof ROLES)[number];

// A fixed seed: a run sends the same requests every time, so a finding is reproducible.
const SEED = 19;
/** Generated cases per operation and phase: enough to reach every field, few enough for 2 cores. */
const MAX_EXAMPLES = 6;
/** A role's whole run; past it the run is stopped and the test fails saying so. */
const ROLE_BUDGET_MS = 150_000;

let api: AppProcess;
let worker: AppProcess;
let base: string;
let schemathesis: string;
let runDir: string;
const keys = {} as Record<Role, string>;
/** The operations each role may call, as the document says (x-roles; public ones have none). */
const operationsOf = {} as Record<Role, string[]>;

beforeAll(async () => {
  runDir = path.join(inject('runDir'), 'fuzz');
  schemathesis = await ensureSchemathesis((line) => console.log(`[fuzz] ${line}`));
  const env = {
    temporalAddress: inject('temporalAddress'),
    // A database and a Temporal namespace of its own: the fuzzer creates models, keys, leads and
    // their workflows, which no other test's worker or database may meet.
    mongoUri: ownDatabase(inject('mongoUri'), `fuzz_${Date.now().toString(36)}`),
    logDir: runDir,
    extra: {
      TEMPORAL_NAMESPACE: await ownNamespace(inject('temporalAddress'), 'leadflow-fuzz'),
      // Schemathesis checks every operation with a missing and a wrong key (ignored_auth), and all
      // its requests come from one address: at the default of 10 a minute, the rest of the run
      // would be answered 429 and test nothing. The limit itself is tested in api-access.test.ts.
      LEADFLOW_AUTH_FAILURES_PER_MINUTE: '1000000',
    },
  };
  [api, worker] = await Promise.all([startApi(env, await freePort()), startWorker(env)]);
  base = api.url as string;
  keys.admin = inject('adminKey');
  for (const role of ROLES.filter((r) => r !== 'admin')) {
    const made = await request(base, 'POST', '/api/keys', { name: `fuzz ${role}`, role, ...(role === 'sales' && { queues: ['inbound-sales'] }) });
    expect(made.status).toBe(201);
    keys[role] = made.body.key;
  }
  const document = (await request(base, 'GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, { operationId: string; 'x-roles': string[] }>> };
  const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));
  for (const role of ROLES) operationsOf[role] = operations.filter((op) => op['x-roles'].length === 0 || op['x-roles'].includes(role)).map((op) => op.operationId);
}, 300_000);

afterAll(async () => {
  await Promise.all([api?.stop(), worker?.stop()]);
});

describe('the API under schemathesis', () => {
  it.each(ROLES)(
    'with the %s key: no server error, every answer as documented, every invalid request refused',
    async (role) => {
      const report = path.join(runDir, `schemathesis-${role}.json`);
      const run = await runSchemathesis(role, report);
      expect(run.timedOut, `the run took longer than ${ROLE_BUDGET_MS / 1000} s\n${run.output}`).toBe(false);
      const summary = JSON.parse(await readFile(report, 'utf8')) as SchemathesisReport;
      console.log(
        `[fuzz] ${role}: ${summary.test_cases.generated} test cases over ${summary.operations.tested} operations in ${run.seconds} s; ` +
          `${summary.failures.length} findings, ${summary.errors.length} errors`,
      );
      const findings = summary.failures.map((failure) => `${failure.title} (${failure.count}×): ${failure.operations.join(', ')}`);
      const errors = summary.errors.map((error) => `${error.title} (${error.count}×)`);
      // Schemathesis' own output names each finding with the request that reproduces it.
      const account = `schemathesis with the ${role} key:\n${run.output}`;
      expect({ findings, errors }, account).toEqual({ findings: [], errors: [] });
      expect(run.exitCode, account).toBe(0);
      expect(summary.operations.selected, account).toBe(role === 'admin' ? summary.operations.total : operationsOf[role].length);
      expect(summary.operations.tested, account).toBe(summary.operations.selected);
      expect(summary.test_cases.generated).toBeGreaterThan(summary.operations.selected);
    },
    ROLE_BUDGET_MS + 30_000,
  );
});

/** Registers `namespace` (once per server) and waits until the server's frontend knows it. */
async function ownNamespace(address: string, namespace: string): Promise<string> {
  const connection = await Connection.connect({ address });
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') }).catch((err: { code?: number }) => {
      // 6: ALREADY_EXISTS, from an earlier run against the same server.
      if (err.code !== 6) throw err;
    });
    // A new namespace reaches the frontend's cache within seconds; a worker started before then fails.
    for (let tries = 0; ; tries++) {
      try {
        await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
        return namespace;
      } catch (err) {
        if (tries >= 100) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } finally {
    await connection.close();
  }
}

interface SchemathesisReport {
  operations: { total: number; selected: number; tested: number };
  test_cases: { generated: number };
  failures: Array<{ title: string; count: number; operations: string[] }>;
  errors: Array<{ title: string; count: number }>;
}

async function runSchemathesis(role: Role, report: string): Promise<{ exitCode: number | null; output: string; seconds: number; timedOut: boolean }> {
  await mkdir(runDir, { recursive: true });
  const args = [
    '--config-file',
    path.join(FUZZ_DIR, 'schemathesis.toml'),
    // Every check schemathesis has runs (its default); the configuration file names each exception.
    'run',
    `${base}/api/openapi.json`,
    '--seed',
    String(SEED),
    '--max-examples',
    String(MAX_EXAMPLES),
    // One worker: requests go in the seed's order, so a run is the same every time.
    '--workers',
    '1',
    '--request-timeout',
    '10',
    // No examples remembered between runs: each run sends what its seed makes, nothing else.
    '--generation-database',
    'none',
    '--header',
    `Authorization: Bearer ${keys[role]}`,
    ...(role === 'admin' ? [] : operationsOf[role].flatMap((id) => ['--include-operation-id', id])),
    '--report',
    'json',
    '--report-json-path',
    report,
    '--no-color',
    // A finding's request and answer in full: that is what a reader needs to act on it.
    '--output-truncate',
    'false',
  ];
  const started = Date.now();
  // Run from the run folder, so that no schemathesis.toml or cache of the checkout is picked up.
  const child = spawn(schemathesis, args, { cwd: runDir, env: { ...process.env, NO_COLOR: '1', COLUMNS: '160', SCHEMATHESIS_HOOKS: path.join(FUZZ_DIR, 'hooks.py') }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM');
  }, ROLE_BUDGET_MS);
  const exitCode = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(timer);
  return { exitCode, output, seconds: Math.round((Date.now() - started) / 1000), timedOut };
}
