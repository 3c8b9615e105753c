/**
 * Where a benchmark phase's CPU went: each watched process's CPU seconds from /proc, before and
 * after, and the benchmark's own. Read on this process and on a child that spins.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { expect, it } from 'vitest';
import { cpuBetween, cpuNow } from './cpu';

/** Busy until this process used `seconds` more of CPU (not of wall time: the machine may be loaded). */
const SPIN = (seconds: number) => `const u = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1e6; }; const end = u() + ${seconds}; while (u() < end);`;

it('counts the CPU a watched process and the benchmark itself used between two readings, and skips a process it cannot read', async () => {
  // A child that spins for 0.3 s of CPU, says so, and waits to be stopped.
  const child = spawn(process.execPath, ['-e', `${SPIN(0.3)} console.log('spun'); setInterval(() => {}, 1000);`]);
  const watched = [{ name: 'spinner', pid: child.pid }, { name: 'gone' }];
  const before = cpuNow(watched);
  const own = () => process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6;
  for (const end = own() + 0.2; own() < end; );
  await once(child.stdout, 'data');
  const used = cpuBetween(before, cpuNow(watched));
  child.kill();
  await once(child, 'exit');
  expect(Object.keys(used).sort()).toEqual(['benchmark', 'spinner']);
  expect(used.benchmark).toBeGreaterThanOrEqual(0.2);
  // /proc counts in hundredths of a second.
  expect(used.spinner).toBeGreaterThanOrEqual(0.29);
});
