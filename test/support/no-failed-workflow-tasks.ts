/**
 * Run before every integration test file: after the file, no worker it started may have logged a
 * failed workflow task. A workflow task that throws is retried by Temporal until it passes, so a
 * test that checks only results can stay green while every lead's first task fails (session 17's
 * worker preload did exactly that, with results that came out right). The workers the tests start
 * (scripts/stack.ts) write their logs under the run's folder; what a file's workers appended to
 * any of them while it ran is read here.
 */
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject } from 'vitest';

/** What the SDK logs when a workflow task fails (a throw from workflow code, a non-determinism). */
const FAILED_TASK = 'Failing workflow task';
const WORKER_LOG = /^worker.*\.log$/;
/** Colours the SDK's log lines carry. */
const ANSI = /\x1b\[[0-9;]*m/g;

let sizesAtStart = new Map<string, number>();

beforeAll(async () => {
  sizesAtStart = await workerLogSizes(inject('runDir'));
});

afterAll(async () => {
  const failed: string[] = [];
  for (const [file, size] of await workerLogSizes(inject('runDir'))) {
    const from = sizesAtStart.get(file) ?? 0;
    if (size <= from) continue;
    const appended = (await readFrom(file, from, size)).replace(ANSI, '');
    for (const line of appended.split('\n')) if (line.includes(FAILED_TASK)) failed.push(`${path.relative(inject('runDir'), file)}: ${line.slice(0, 600)}`);
  }
  expect(failed, 'workflow tasks failed in the workers this file started').toEqual([]);
});

async function workerLogSizes(dir: string): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile() || !WORKER_LOG.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    const found = await stat(file).catch(() => undefined);
    if (found) sizes.set(file, found.size);
  }
  return sizes;
}

async function readFrom(file: string, from: number, to: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(to - from);
    await handle.read(buffer, 0, buffer.length, from);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}
