/**
 * How services are obtained (scripts/tools.ts, scripts/services.ts): a service named by an
 * environment variable is used as it is, and without any way to obtain a binary the error tells
 * the user every option.
 */
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { canConnect, startMongo, startTemporal } from '../scripts/services';
import { ROOT } from '../scripts/tools';

const saved = { TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS, MONGODB_URI: process.env.MONGODB_URI };
afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe('services named by the environment', () => {
  it('uses the Temporal server in TEMPORAL_ADDRESS and never stops it', async () => {
    process.env.TEMPORAL_ADDRESS = inject('temporalAddress');
    const temporal = await startTemporal({ port: 0, logFile: path.join(inject('runDir'), 'unused.log') });
    expect(temporal).toMatchObject({ address: inject('temporalAddress'), external: true });
    expect(temporal.pid).toBeUndefined();
    await temporal.stop();
    const [host, port] = inject('temporalAddress').split(':');
    expect(await canConnect(host as string, Number(port))).toBe(true);
  });

  it('refuses a TEMPORAL_ADDRESS where nothing listens, naming it', async () => {
    process.env.TEMPORAL_ADDRESS = '127.0.0.1:1';
    await expect(startTemporal({ port: 0, logFile: path.join(inject('runDir'), 'unused.log') })).rejects.toThrow(
      /TEMPORAL_ADDRESS=127\.0\.0\.1:1/,
    );
  }, 20_000);

  it('uses the MongoDB in MONGODB_URI without starting FerretDB', async () => {
    process.env.MONGODB_URI = 'mongodb://db.example:27017/leadflow';
    const mongo = await startMongo({ port: 0, dataDir: path.join(inject('runDir'), 'unused'), logFile: path.join(inject('runDir'), 'unused.log') });
    expect(mongo).toMatchObject({ address: 'mongodb://db.example:27017/leadflow', external: true });
  });
});

describe('no way to obtain a database', () => {
  it('lists every option: MONGODB_URI, a cached binary, or installing Go', async () => {
    const emptyTools = await mkdtemp(path.join(os.tmpdir(), 'leadflow-no-tools-'));
    const script = "import('./scripts/tools.ts').then((t) => t.ensureFerretDb()).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3); })";
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: ROOT,
      // No Go on this PATH, and an empty tools cache.
      env: { PATH: '/usr/bin:/bin', LEADFLOW_TOOLS_DIR: emptyTools, HOME: os.tmpdir() },
    });
    const failure = await run.then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure?.code).toBe(3);
    expect(failure?.stderr).toContain('MONGODB_URI');
    expect(failure?.stderr).toContain(path.join(emptyTools, 'bin', 'ferretdb'));
    expect(failure?.stderr).toContain('install Go');
  });
});
