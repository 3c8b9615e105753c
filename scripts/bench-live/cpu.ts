/**
 * Where a benchmark phase's CPU went: the seconds of CPU each process of the stack used (Temporal,
 * FerretDB, the worker, the API, the benchmark itself), read from Linux's /proc before and after.
 * On a system without /proc only the benchmark's own figure is known.
 */
import { readFileSync } from 'node:fs';

/** Seconds of CPU (user + system) by process name. */
export type CpuSeconds = Record<string, number>;

/** A process to watch, by name. */
export interface Watched {
  name: string;
  pid?: number;
}

/** Seconds of CPU each of `watched` used so far, and the benchmark's own as `benchmark`. */
export function cpuNow(watched: readonly Watched[]): CpuSeconds {
  const out: CpuSeconds = {};
  for (const { name, pid } of watched) {
    const seconds = pid === undefined ? undefined : processCpu(pid);
    if (seconds !== undefined) out[name] = seconds;
  }
  const own = process.cpuUsage();
  out.benchmark = (own.user + own.system) / 1e6;
  return out;
}

/** What each process used between two readings. */
export function cpuBetween(before: CpuSeconds, after: CpuSeconds): CpuSeconds {
  const out: CpuSeconds = {};
  for (const [name, seconds] of Object.entries(after)) {
    const from = before[name];
    if (from !== undefined) out[name] = seconds - from;
  }
  return out;
}

// Clock ticks per second for /proc's figures: 100 on Linux on every common architecture.
const TICKS = 100;

function processCpu(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command's name (which may hold spaces) in parentheses; utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return undefined;
  }
}
