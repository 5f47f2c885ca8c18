/**
 * Child processes for the e2e tests: a test runner started the way a user starts it, its output
 * collected, waited for by pattern, ended by signal. Nothing here knows about vitest or jest.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { budget } from '../../support/budget.js';

export interface ChildOptions {
  cwd: string;
  /** Added to (or, with `undefined`, removed from) the cleaned environment. */
  env?: Record<string, string | undefined>;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds from spawn to exit. */
  ms: number;
}

export interface Child {
  readonly pid: number;
  /** stdout and stderr interleaved as received. */
  output(): string;
  /**
   * Resolves with the first match once the output contains `pattern`; rejects on timeout, on exit,
   * and as soon as the output matches `failOn` (a startup error that a watching runner survives).
   */
  waitFor(pattern: RegExp, timeoutMs: number, options?: { failOn?: RegExp }): Promise<RegExpMatchArray>;
  write(text: string): void;
  /** Closes the child's stdin (a runner in run mode then never waits for keys). */
  endInput(): void;
  kill(signal: NodeJS.Signals): void;
  readonly exited: Promise<Exit>;
}

/**
 * The parent's environment without what would tie the child to this test process: berth's session
 * (a child run must own its own), the variables the outer test runner sets for its workers, colour.
 */
export function childEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('BERTH_SESSION_') || key.startsWith('VITEST') || key === 'JEST_WORKER_ID' || key === 'NODE_OPTIONS') delete env[key];
  }
  delete env.FORCE_COLOR;
  env.NO_COLOR = '1';
  Object.assign(env, extra);
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

export function spawnChild(command: string, args: string[], options: ChildOptions): Child {
  const began = performance.now();
  const proc = spawn(command, args, { cwd: options.cwd, env: childEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
  if (proc.pid === undefined) throw new Error(`could not start ${command}`);
  let text = '';
  const waiters = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const check of waiters) check();
  };
  proc.stdout.on('data', collect);
  proc.stderr.on('data', collect);
  const exited = new Promise<Exit>((resolve) => {
    proc.on('close', (code, signal) => {
      resolve({ code, signal, ms: Math.round(performance.now() - began) });
      for (const check of waiters) check();
    });
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  return {
    pid: proc.pid,
    output: () => text,
    waitFor(pattern, unscaledMs, { failOn } = {}) {
      const timeoutMs = budget(unscaledMs);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${pattern} in the output of ${command} after ${timeoutMs} ms:\n${text}`));
        }, timeoutMs);
        function check() {
          const match = text.match(pattern);
          const failed = failOn?.test(text) ?? false;
          if (match || done || failed) {
            clearTimeout(timer);
            waiters.delete(check);
            if (match) resolve(match);
            else if (failed) reject(new Error(`${command} printed ${failOn} while we waited for ${pattern}:\n${text}`));
            else reject(new Error(`${command} exited before printing ${pattern}:\n${text}`));
          }
        }
        waiters.add(check);
        check();
      });
    },
    write: (chunk) => {
      proc.stdin.write(chunk);
    },
    endInput: () => {
      proc.stdin.end();
    },
    kill: (signal) => {
      proc.kill(signal);
    },
    exited,
  };
}

export interface Finished extends Exit {
  pid: number;
  output: string;
}

/** Runs to the end; past `timeoutMs` the child is killed and the run counts as failed by the caller. */
export async function runChild(command: string, args: string[], options: ChildOptions & { timeoutMs: number }): Promise<Finished> {
  const child = spawnChild(command, args, options);
  child.endInput();
  const timer = setTimeout(() => child.kill('SIGKILL'), budget(options.timeoutMs));
  try {
    const exit = await child.exited;
    return { ...exit, pid: child.pid, output: child.output() };
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `probe` until it returns true or time runs out; returns whether it did. */
/**
 * How long a test waits for the reaper to remove what a killed run left: it polls its owner, then
 * removes containers, networks and volumes through an engine as loaded as the rest of the machine
 * (a quiet machine takes 1–3 s; under the stress rehearsal's load of 20–40 one pass took 10.4 s).
 */
export const REAPER_PASS_MS = 30_000;

export async function eventually(probe: () => Promise<boolean>, options: { timeoutMs: number; intervalMs?: number }): Promise<boolean> {
  const deadline = performance.now() + budget(options.timeoutMs);
  for (;;) {
    if (await probe()) return true;
    if (performance.now() > deadline) return false;
    await sleep(options.intervalMs ?? 250);
  }
}
