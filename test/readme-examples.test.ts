/**
 * README's "Try it" examples, run as a user would paste them into a shell, against the real
 * API and worker: if a call there goes stale, this fails.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../scripts/services';
import { startApi, startWorker, type AppProcess } from '../scripts/stack';
import { ROOT } from '../scripts/tools';
import { request } from './support/http';

let api: AppProcess;
let worker: AppProcess;

beforeAll(async () => {
  // A model of its own: the review example publishes a version of it.
  const env = { temporalAddress: inject('temporalAddress'), mongoUri: inject('mongoUri'), logDir: path.join(inject('runDir'), 'readme'), extra: { LEADFLOW_MODEL_ID: `readme-${Date.now().toString(36)}` } };
  [api, worker] = await Promise.all([startApi(env, await freePort()), startWorker(env)]);
});

afterAll(async () => {
  // The example's webhook points at a made-up CRM: later tests need not try to reach it.
  if (api?.url) {
    const hooks = (await request(api.url, 'GET', '/api/webhooks')).body?.webhooks ?? [];
    for (const hook of hooks.filter((h: any) => h.url.startsWith('https://crm.example.com/'))) await request(api.url, 'DELETE', `/api/webhooks/${hook.webhookId}`);
  }
  await Promise.all([api?.stop(), worker?.stop()]);
});

/** The shell blocks of one README section, in order. */
function shellBlocks(section: string): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`## ${section}\n`);
  expect(start, `README has a "${section}" section`).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  const text = readme.slice(start, end < 0 ? undefined : end);
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] as string);
}

describe('README', () => {
  it('"Try it": every example runs as written and every call succeeds', () => {
    const blocks = shellBlocks('Try it');
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    const script = ['set -euo pipefail', ...blocks].join('\n');
    const result = spawnSync('bash', ['-c', script], {
      env: { ...process.env, API: `${api.url}/api`, ADMIN_KEY: inject('adminKey') },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.status, `stderr: ${result.stderr}\nstdout: ${result.stdout.slice(-2000)}`).toBe(0);
    // The calls answered what the comments say they do.
    expect(result.stdout).toContain('"role":"sales"');
    expect(result.stdout).toMatch(/"stage":"sal"/);
    expect(result.stdout).toMatch(/"changeNote":"Q4 review"/);
    expect(result.stdout).toMatch(/"status":"(running|done)"/);
    expect(result.stdout).toMatch(/"url":"https:\/\/crm.example.com\/leadflow"/);
  });
});
