/**
 * Keeping `npm start`'s processes running: a process that exits while nobody asked it to is
 * started again after a pause that doubles with each crash in a row (1 s, 2 s, 4 s … 30 s) and
 * starts over once it has stayed up for a minute. Every crash and every return gets one line in
 * the log, in `npm start`'s output and in the process's own log file.
 */
import type { ChildProcess } from 'node:child_process';
import { appendFile } from 'node:fs/promises';
import { killGroup } from './services';

/** What a start function gives back: its process, and how to stop it. */
export interface Started {
  child?: ChildProcess;
  logFile?: string;
  stop(): Promise<void>;
}

/** A process under supervision. `current` is the latest start; `stop` ends it and its restarts. */
export interface Supervised<T extends Started> {
  name: string;
  current(): T;
  /** How many times it was started again. */
  restarts(): number;
  /** Settles once every line said so far is in the process's log file. */
  logged(): Promise<void>;
  stop(): Promise<void>;
}

export interface SupervisorOptions {
  log: (line: string) => void;
  /** Pause before the first restart of a crash streak. */
  firstDelayMs?: number;
  /** The longest pause between restarts. */
  maxDelayMs?: number;
  /** A process that stayed up this long starts its next crash streak over at `firstDelayMs`. */
  steadyAfterMs?: number;
}

/**
 * Starts `name` with `start` and restarts it whenever its process exits unexpectedly. The first
 * start's error is thrown (nothing runs yet to keep alive); a restart that fails counts as one
 * more crash and is tried again after the next pause.
 */
export async function supervise<T extends Started>(name: string, start: () => Promise<T>, options: SupervisorOptions): Promise<Supervised<T>> {
  const firstDelayMs = options.firstDelayMs ?? 1_000;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const steadyAfterMs = options.steadyAfterMs ?? 60_000;
  let current = await start();
  let startedAt = Date.now();
  let streak = 0;
  let restarts = 0;
  let stopped = false;
  let pause: { timer: NodeJS.Timeout; done: () => void } | undefined;
  let restarting: Promise<void> | undefined;

  // Lines reach the process's log file one after another, in the order they were said.
  let written = Promise.resolve();
  const say = (line: string, logFile = current.logFile) => {
    options.log(line);
    if (!logFile) return;
    const text = `[leadflow] ${new Date().toISOString()} ${line}\n`;
    written = written.then(() => appendFile(logFile, text)).catch(() => {});
  };

  const watch = (started: T) => {
    const child = started.child;
    if (!child) return;
    child.once('exit', (code, signal) => {
      if (stopped) return;
      // Whatever the process left in its group (a server's helpers) goes with it.
      killGroup(child, 'SIGKILL');
      restarting = restartAfterCrash(code === null ? `was killed by ${signal}` : `exited with code ${code}`);
    });
  };

  const restartAfterCrash = async (how: string): Promise<void> => {
    if (Date.now() - startedAt >= steadyAfterMs) streak = 0;
    for (;;) {
      const delayMs = Math.min(firstDelayMs * 2 ** streak, maxDelayMs);
      streak++;
      restarts++;
      say(`${name} ${how}; restarting in ${formatSeconds(delayMs)} (restart ${restarts})${current.logFile ? `; see ${current.logFile}` : ''}`);
      await new Promise<void>((resolve) => {
        pause = { timer: setTimeout(resolve, delayMs), done: resolve };
      });
      pause = undefined;
      if (stopped) return;
      try {
        const next = await start();
        if (stopped) {
          await next.stop();
          return;
        }
        current = next;
        startedAt = Date.now();
        say(`${name} is running again (restart ${restarts})`);
        watch(next);
        return;
      } catch (err) {
        if (stopped) return;
        how = `did not start again (${(err as Error).message})`;
      }
    }
  };

  watch(current);
  return {
    name,
    current: () => current,
    restarts: () => restarts,
    logged: () => written,
    async stop() {
      stopped = true;
      if (pause) {
        clearTimeout(pause.timer);
        pause.done();
      }
      await restarting;
      await current.stop();
      await written;
    },
  };
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms < 1000 ? 2 : 0))} s`;
}
