/**
 * @berth/core on Bun and Deno beside Node: the same script (a build, a container with exec, copy
 * and logs, a postgres module with a fresh database) on each runtime, the runtime exits on its own
 * (nothing of berth keeps it alive), nothing is left; and after SIGKILL the reaper removes what
 * the killed process started. The runtimes come from npm (examples/runners/bun and /deno).
 */
import { execFile, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { budget, poll } from '../support/budget.js';
import { leftoversOfPid } from './support/interrupt.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = join(here, 'fixtures', 'berth-run');
const runners = join(here, '..', '..', 'examples', 'runners');
const exec = promisify(execFile);

const RUNTIMES = {
  node: [process.execPath],
  bun: [join(runners, 'bun', 'node_modules', '.bin', 'bun'), 'run'],
  // The binary itself (node_modules/.bin/deno is a Node wrapper that would own the pid).
  deno: [join(runners, 'deno', 'node_modules', 'deno', 'deno'), 'run', '--allow-all'],
} as const;

function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    const dropped = key.startsWith('BERTH_') || key.startsWith('VITEST') || key === 'NODE_OPTIONS' || key === 'NODE_PATH';
    if (value !== undefined && !dropped) env[key] = value;
  }
  return env;
}

/** Runs the smoke script on `runtime`; resolves at exit, or once `until` shows in the output. */
function smoke(runtime: keyof typeof RUNTIMES, args: string[], until?: string) {
  const [command, ...pre] = RUNTIMES[runtime];
  const child = spawn(command, [...pre, 'runtime-smoke.mjs', ...args], {
    cwd: fixture,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const done = new Promise<{ code: number | null; output: string; pid: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      process.kill(-(child.pid as number), 'SIGKILL');
      reject(new Error(`${runtime} did not finish: ${output}`));
    }, budget(120_000));
    const seen = (chunk: Buffer) => {
      output += chunk;
      if (until && output.includes(until)) {
        clearTimeout(timer);
        resolve({ code: null, output, pid: child.pid as number });
      }
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, pid: child.pid as number });
    });
  });
  return done;
}

afterAll(async () => {
  const tags = Object.keys(RUNTIMES).map((runtime) => `berth-test/runtime-${runtime}:smoke`);
  await exec('docker', ['rmi', '-f', ...tags]).catch(() => undefined);
});

describe.each(Object.keys(RUNTIMES) as (keyof typeof RUNTIMES)[])('%s', (runtime) => {
  test('builds, starts, execs, copies, reads logs, hands out a fresh database, exits on its own with nothing left', async () => {
    const ran = await smoke(runtime, []);
    expect(ran.code, ran.output).toBe(0);
    const line = ran.output.split('\n').find((l) => l.startsWith('{"runtime"'));
    expect(JSON.parse(line ?? '{}'), ran.output).toMatchObject({ runtime, word: runtime, copied: 'copied', fresh: true, logs: true });
    expect(await leftoversOfPid(ran.pid)).toEqual([]);
  });

  test('SIGKILL: the reaper removes what the killed process started', async () => {
    const held = await smoke(runtime, ['hold'], 'berth-e2e ready');
    expect(await leftoversOfPid(held.pid), held.output).not.toEqual([]);
    process.kill(-held.pid, 'SIGKILL');
    await expect.poll(() => leftoversOfPid(held.pid), poll(60_000)).toEqual([]);
  });
});
