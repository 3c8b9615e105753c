/**
 * Replays recorded histories of lead journeys (workflows/histories, recorded by
 * `RECORD_HISTORIES=1 npm test -- workflows/lead.workflow.test.ts`) against the current workflow
 * code: a change that would break leads already running fails here with a nondeterminism error.
 * Changing the workflow on purpose? Guard the change with `patched()` (and give it the next
 * code in CODE_PATCHES, counting LEAD_CODE up), then record again, and keep the older recordings
 * in a folder of their own beside these, replayed too.
 */
import { DeterminismViolationError } from '@temporalio/workflow';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_OPTIONS, WORKFLOWS_PATH } from './create-worker';

const HISTORIES = path.join(path.dirname(WORKFLOWS_PATH), 'histories');
const files = readdirSync(HISTORIES).filter((file) => file.endsWith('.history.bin'));
/** Recordings made by earlier workflow code (each folder named for the patch that followed): leads of those days still run. */
const older = readdirSync(HISTORIES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((folder) => readdirSync(path.join(HISTORIES, folder.name)).filter((file) => file.endsWith('.history.bin')).map((file) => path.join(folder.name, file)));
const load = (file: string) => temporal.api.history.v1.History.decode(readFileSync(path.join(HISTORIES, file)));
const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
let current: { code: string };
let changed: { code: string };

beforeAll(async () => {
  current = { code: (await bundleWorkflowCode({ ...BUNDLE_OPTIONS, logger: silent })).code };
  const fixture = fileURLToPath(new URL('../test/fixtures/changed-lead.workflow.ts', import.meta.url));
  changed = { code: (await bundleWorkflowCode({ workflowsPath: fixture, logger: silent })).code };
});

describe('recorded lead journeys', () => {
  it('are there to replay', () => {
    const journeys = ['bulk-rescore-mql', 'coded-run', 'journey-180-days', 'lasting-alarm', 'late-event-refold', 'live-model-switch', 'mql-handoff', 'reject-cool-down-mql', 'sla-expiry', 'stamped-deliveries', 'started-with-model-told', 'started-with-model'];
    expect(files.sort()).toEqual(journeys.map((name) => `${name}.history.bin`));
  });

  it.each(files)('%s replays against the current workflow code', async (file) => {
    await expect(Worker.runReplayHistory({ workflowBundle: current }, load(file))).resolves.toBeUndefined();
  });

  it('include the recordings of earlier workflow code', () => {
    expect(older.length).toBeGreaterThanOrEqual(21);
  });

  it.each(older)('%s (recorded by earlier code) replays against the current workflow code', async (file) => {
    await expect(Worker.runReplayHistory({ workflowBundle: current }, load(file))).resolves.toBeUndefined();
  });

  it('catches a workflow change that would break running leads', async () => {
    await expect(Worker.runReplayHistory({ workflowBundle: changed }, load('mql-handoff.history.bin'))).rejects.toThrow(DeterminismViolationError);
  });
});
