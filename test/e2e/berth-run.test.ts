/**
 * `berth run -- <command>` as a user runs it: the services of berth.config.* started once, their
 * details in the command's environment, fresh slices through the broker from any process of the
 * command (JS client and curl), the command's exit code passed through, and nothing left on the
 * engine after a normal end, Ctrl-C (at any moment) or SIGKILL.
 */
import { execFile, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { budget, poll } from '../support/budget.js';
import { interruptRun, leftoversOfPid } from './support/interrupt.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = join(here, 'fixtures', 'berth-run');
const cli = join(here, '..', '..', 'packages', 'core', 'dist', 'cli.js');
const run = promisify(execFile);

interface Ran {
  code: number | null;
  output: string;
  pid: number;
}

/** Runs `berth run <args>` in `cwd` to its end; output is stdout and stderr together. */
function berthRun(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'run', ...args], {
      cwd: options.cwd ?? fixture,
      env: { ...cleanEnv(), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), budget(120_000));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, pid: child.pid as number });
    });
  });
}

/**
 * This test process's environment without its own berth session (the run must own one) and without
 * NODE_PATH (pnpm sets it to its hidden store folder, where every package of the workspace resolves:
 * a user's project has no such thing).
 */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    const dropped = key.startsWith('BERTH_SESSION_') || key.startsWith('VITEST') || key === 'NODE_OPTIONS' || key === 'NODE_PATH';
    if (value === undefined || dropped) continue;
    env[key] = value;
  }
  return env;
}

describe('berth run', () => {
  test('gives the command every detail and fresh slices through the JS client, and removes everything after', async () => {
    const ran = await berthRun(['--', process.execPath, 'client.mjs']);
    expect(ran.code, ran.output).toBe(0);
    const line = ran.output.split('\n').find((l) => l.startsWith('{'));
    const seen = JSON.parse(line ?? '{}');
    expect(seen.services).toEqual(['cache', 'db']);
    expect(seen.env.DATABASE_URL).toBe(seen.db.url);
    expect(seen.env.CACHE_PORT).toMatch(/^\d+$/);
    expect(seen.env.session).toMatch(/\S/);
    expect(seen.db.kind).toBe('postgres');
    expect(seen.leases[0]).not.toBe(seen.leases[1]);
    expect(seen.wrongKind).toBe('BERTH_CONFIG_ERROR');
    expect(await leftoversOfPid(ran.pid)).toEqual([]);
  });

  test('the broker answers curl with the documented HTTP API', async () => {
    const script = [
      'set -e',
      'auth="Authorization: Bearer $BERTH_BROKER_TOKEN"',
      'lease=$(curl -fsS -X POST -H "$auth" "$BERTH_BROKER_URL/v1/db/acquire")',
      'id=$(node -p "JSON.parse(process.argv[1]).id" "$lease")',
      'url=$(node -p "JSON.parse(process.argv[1]).details.url" "$lease")',
      'echo "leased $url"',
      'curl -fsS -o /dev/null -w "release %{http_code}\\n" -X POST -H "$auth" -H "content-type: application/json" -d "{\\"id\\":\\"$id\\"}" "$BERTH_BROKER_URL/v1/db/release"',
      'curl -sS -o /dev/null -w "no token %{http_code}\\n" -X POST "$BERTH_BROKER_URL/v1/db/acquire"',
    ].join('\n');
    const ran = await berthRun(['--', 'bash', '-c', script]);
    expect(ran.code, ran.output).toBe(0);
    expect(ran.output).toMatch(/leased postgres:\/\/\S+@127\.0\.0\.1:\d+\/\S+/);
    expect(ran.output).toContain('release 204');
    expect(ran.output).toContain('no token 401');
  });

  test("passes the command's exit code through, and 127 for a command that does not exist", async () => {
    const failing = await berthRun(['--', 'sh', '-c', 'exit 7']);
    expect(failing.code, failing.output).toBe(7);
    expect(await leftoversOfPid(failing.pid)).toEqual([]);
    const missing = await berthRun(['--', 'berth-no-such-command']);
    expect(missing.code, missing.output).toBe(127);
    expect(missing.output).toContain('no such command on PATH');
  });

  test('a config that cannot load exits 1 with the reason, runs nothing and leaves nothing', async () => {
    const ran = await berthRun(['--config', 'typescript/berth.config.ts', '--', 'sh', '-c', 'echo ran']);
    expect(ran.code, ran.output).toBe(1);
    expect(ran.output).toContain('is TypeScript');
    expect(ran.output).toContain('npm i -D jiti');
    expect(ran.output).not.toContain('ran\n');
    expect(await leftoversOfPid(ran.pid)).toEqual([]);
  });

  test('a TypeScript config loads through jiti when the project has it', async () => {
    const jitiHome = join(here, '..', '..', 'packages', 'jest-preset', 'node_modules');
    const ran = await berthRun(['--', 'sh', '-c', 'echo "port=$CACHE_PORT"'], {
      cwd: join(fixture, 'typescript'),
      env: { NODE_PATH: jitiHome },
    });
    expect(ran.code, ran.output).toBe(0);
    expect(ran.output).toMatch(/port=\d+/);
    expect(await leftoversOfPid(ran.pid)).toEqual([]);
  });

  test.each(['SIGINT', 'SIGTERM'] as const)(
    '%s to the process group while the command runs: exits 128+n with nothing left',
    async (signal) => {
      const result = await interruptRun({
        command: process.execPath,
        args: [cli, 'run', '--', process.execPath, 'wait.mjs'],
        cwd: fixture,
        env: cleanEnv(),
        signal,
      });
      expect(result.ready, result.output).toBe(true);
      expect(result.code, result.output).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(result.leftAtExit, result.output).toEqual([]);
    },
  );

  test('Ctrl-C while the services are still starting: 130, the command never runs, nothing left', async () => {
    // The signal lands once postgres's container exists and before it is ready.
    const result = await interruptRun({
      command: process.execPath,
      args: [cli, 'run', '--', 'sh', '-c', 'echo command-ran'],
      cwd: fixture,
      env: { ...cleanEnv(), DEBUG: 'berth:container' },
      readyPattern: /created berth-postgres-/,
    });
    expect(result.ready, result.output).toBe(true);
    expect(result.code, result.output).toBe(130);
    expect(result.output).not.toContain('command-ran');
    expect(result.leftAtExit, result.output).toEqual([]);
  });

  test('SIGKILL of berth run: the reaper removes the services', async () => {
    const child = spawn(process.execPath, [cli, 'run', '--', process.execPath, 'wait.mjs'], {
      cwd: fixture,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready: ${output}`)), budget(120_000));
      const check = (chunk: Buffer) => {
        output += chunk;
        if (output.includes('berth-e2e ready')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', check);
      child.stderr.on('data', check);
    });
    const pid = child.pid as number;
    expect(await leftoversOfPid(pid)).not.toEqual([]);
    process.kill(-pid, 'SIGKILL');
    await expect.poll(() => leftoversOfPid(pid), poll(60_000)).toEqual([]);
    // The engine call above is the check; this keeps docker's own view honest too.
    const { stdout } = await run('docker', ['ps', '-aq', '--filter', `label=dev.berth.owner.pid=${pid}`]);
    expect(stdout.trim()).toBe('');
  });
});
