/**
 * `berth up` / `berth down` as a developer uses them, on the real engine with real CLI processes:
 * up prints URLs and export lines that work (pg connects to the URL), a second up reuses the same
 * containers, a vitest run and `berth run` use them without BERTH_REUSE, down removes everything of
 * the config and nothing else, and `up --attach` streams prefixed logs and leaves nothing on Ctrl-C.
 * The fixture's services carry a label of their own, so no other test's reused containers mix in.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { budget, poll } from '../support/budget.js';
import { interruptRun, leftoversOfPid } from './support/interrupt.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const suites = join(here, 'fixtures', 'vitest-suites');
const project = join(suites, 'up');
const cli = join(here, '..', '..', 'packages', 'core', 'dist', 'cli.js');
const vitestCli = join(suites, 'node_modules', 'vitest', 'vitest.mjs');
const pg = createRequire(join(suites, 'package.json'))('pg') as typeof import('pg');
const run = promisify(execFile);
// Where published ports are reached: the engine's address with a tcp DOCKER_HOST (the extra engines
// of scripts/engines publish in their network namespace), loopback otherwise.
const PORT_HOST = (/^tcp:\/\/([^:/]+)/.exec(process.env.DOCKER_HOST ?? '')?.[1] ?? '127.0.0.1').replaceAll('.', '\\.');

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  pid: number;
}

/** This process's environment without its berth session, vitest's variables or a reuse setting. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    const dropped =
      key.startsWith('BERTH_SESSION_') || key.startsWith('VITEST') || ['NODE_OPTIONS', 'NODE_PATH', 'BERTH_REUSE', 'CI'].includes(key);
    if (value !== undefined && !dropped) env[key] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

function spawnIn(command: string, args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: project, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), budget(180_000));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, pid: child.pid as number });
    });
  });
}

const berth = (...args: string[]) => spawnIn(process.execPath, [cli, ...args]);

interface UpJson {
  config: string;
  services: Record<string, { url: string; container: string | null; kept: boolean }>;
  env: Record<string, string>;
}

async function docker(...args: string[]): Promise<string[]> {
  return (await run('docker', args)).stdout.split('\n').filter(Boolean);
}

/** Everything of the fixture's config on the engine: its up markers and the containers they keep. */
async function leftovers(): Promise<string[]> {
  const [containers, markers] = await Promise.all([
    docker('ps', '-a', '--filter', 'label=e2e.fixture=berth-up', '--format', '{{.Names}}'),
    docker('volume', 'ls', '--filter', `label=dev.berth.up.config=${join(project, 'berth.config.mjs')}`, '--format', '{{.Name}}'),
  ]);
  return [...containers.map((n) => `container:${n}`), ...markers.map((n) => `volume:${n}`)];
}

async function containerName(id: string): Promise<string> {
  return (await docker('inspect', '-f', '{{.Name}}', id))[0]?.replace(/^\//, '') ?? '';
}

describe('berth up / berth down', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'berth-up-'));
  let first: UpJson;

  beforeAll(async () => {
    // A run that died earlier may have left this config's services up.
    await berth('down');
  });
  afterAll(async () => {
    await berth('down');
    await berth('down', '--config', 'other.berth.config.mjs');
    rmSync(scratch, { recursive: true, force: true });
  });

  test('up prints each URL and the env as export lines that work, and writes the dotenv file', async () => {
    const envFile = join(scratch, '.env.berth');
    const up = await berth('up', '--dotenv', envFile);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(new RegExp(`^# db +postgres://\\S+@${PORT_HOST}:\\d+/\\S+$`, 'm'));
    expect(up.stdout).toMatch(new RegExp(`^# cache +redis://${PORT_HOST}:\\d+/\\d+$`, 'm'));
    expect(up.stderr).toContain('kept until `berth down`');
    // What a shell gets from eval "$(berth up)".
    const { stdout: evaluated } = await run('sh', ['-c', 'eval "$1"; printf "%s\\n%s" "$DATABASE_URL" "$REDIS_URL"', 'sh', up.stdout]);
    const [databaseUrl, redisUrl] = evaluated.split('\n');
    expect(up.stdout).toContain(`# db     ${databaseUrl}`);
    expect(redisUrl).toMatch(/^redis:\/\//);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ answer: number }>('select 41 + 1 as answer');
      expect(rows[0]?.answer).toBe(42);
    } finally {
      await client.end();
    }
    expect(readFileSync(envFile, 'utf8')).toContain(`DATABASE_URL='${databaseUrl}'`);
    // The up process is gone and its session with it (its reaper removes the lease volumes just
    // after the exit); the services stay.
    await expect.poll(() => leftoversOfPid(up.pid), poll()).toEqual([]);
    expect((await leftovers()).filter((r) => r.startsWith('container:'))).toHaveLength(2);
  });

  test('a second up reuses the same containers', async () => {
    const again = await berth('up', '--json');
    expect(again.code, again.stderr).toBe(0);
    first = JSON.parse(again.stdout) as UpJson;
    expect(again.stderr).toMatch(/reused db \(running since/);
    expect(again.stderr).toMatch(/reused cache \(running since/);
    const third = await berth('up', '--json');
    const second = JSON.parse(third.stdout) as UpJson;
    expect(second.services.db?.container).toBe(first.services.db?.container);
    expect(second.services.cache?.container).toBe(first.services.cache?.container);
    expect(second.env).toEqual(first.env);
    expect(first.services.db?.kept).toBe(true);
  });

  test('berth ls shows them kept by berth up, and prune --reuse would leave them', async () => {
    const ls = await berth('ls', '--json');
    expect(ls.code, ls.stderr).toBe(0);
    const groups = (JSON.parse(ls.stdout) as { reused: { up: { config: string; service: string }[]; resources: { id: string }[] }[] })
      .reused;
    const ids = new Set(Object.values(first.services).map((s) => s.container));
    const ours = groups.filter((g) => g.resources.some((r) => ids.has(r.id)));
    expect(ours.flatMap((g) => g.up.map((u) => u.service)).sort()).toEqual(['cache', 'db']);
    expect(ours.every((g) => g.up.every((u) => u.config === first.config))).toBe(true);
    // Dry run only: a real prune --reuse would remove other idle reused containers of this engine.
    const prune = await berth('prune', '--reuse', '--dry-run', '--json');
    expect(prune.code, prune.stderr).toBe(0);
    expect(prune.stdout).not.toContain(first.services.db?.container as string);
    expect(prune.stdout).not.toContain(first.services.cache?.container as string);
  });

  test('a vitest run and berth run use them, with reuse off', async () => {
    const tests = await spawnIn(process.execPath, [vitestCli, 'run']);
    expect(tests.code, tests.stdout + tests.stderr).toBe(0);
    const db = await containerName(first.services.db?.container as string);
    const cache = await containerName(first.services.cache?.container as string);
    expect(tests.stdout).toContain(`berth-e2e containers db=${db} cache=${cache}`);

    const viaRun = await berth('run', '--', 'sh', '-c', 'printf "url=%s\\n" "$DATABASE_URL"');
    expect(viaRun.code, viaRun.stderr).toBe(0);
    expect(viaRun.stdout).toContain(`url=${first.env.DATABASE_URL}`);
    expect(viaRun.stderr).toMatch(/reused db \(kept by berth up, running since/);
    // Both runs are over and the containers still serve.
    expect((await docker('ps', '--filter', `id=${first.services.db?.container}`, '-q')).length).toBe(1);
  });

  test('down removes what up keeps for this config, and only that', async () => {
    // Another config's `berth up` must survive this config's down.
    const otherUp = await berth('up', '--config', 'other.berth.config.mjs', '--json');
    expect(otherUp.code, otherUp.stderr).toBe(0);
    const otherId = (JSON.parse(otherUp.stdout) as UpJson).services.cache?.container as string;

    const down = await berth('down');
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toMatch(/removed 2 container\(s\)/);
    expect(await leftovers()).toEqual([]);
    for (const id of Object.values(first.services).map((s) => s.container as string)) {
      expect(await docker('ps', '-a', '--filter', `id=${id}`, '-q')).toEqual([]);
    }
    expect(await docker('ps', '--filter', `id=${otherId}`, '-q')).toHaveLength(1);

    const twice = await berth('down');
    expect(twice.code).toBe(0);
    expect(twice.stdout).toContain('nothing of `berth up`');
    const otherDown = await berth('down', '--config', 'other.berth.config.mjs');
    expect(otherDown.code, otherDown.stderr).toBe(0);
    expect(await docker('ps', '-a', '--filter', `id=${otherId}`, '-q')).toEqual([]);
  });

  test('up refuses a service that cannot outlive it, with a hint, and leaves nothing', async () => {
    const refused = await berth('up', '--config', 'refused.berth.config.mjs');
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain('berth up cannot keep cache: not reusable across runs');
    expect(refused.stderr).toContain('hint: `berth up --attach`');
    expect(refused.stdout).not.toContain('export ');
    const left = () => docker('ps', '-a', '--filter', 'label=e2e.fixture=berth-up-refused', '--format', '{{.Names}}');
    await expect.poll(left, poll()).toEqual([]);
    await expect.poll(() => leftoversOfPid(refused.pid), poll()).toEqual([]);
  });

  test('up --attach streams the logs prefixed per service; Ctrl-C removes everything and exits 130', async () => {
    const interrupted = await interruptRun({
      command: process.execPath,
      args: [cli, 'up', '--attach'],
      cwd: project,
      env: cleanEnv(),
      // Both services have printed a prefixed line.
      readyPattern: /^(?=[\s\S]*^db {4}\| )(?=[\s\S]*^cache \| )/m,
      readyTimeoutMs: budget(180_000),
      exitTimeoutMs: budget(60_000),
    });
    expect(interrupted.ready, interrupted.output).toBe(true);
    expect(interrupted.code, interrupted.output).toBe(130);
    expect(interrupted.output).toMatch(/^# db +postgres:\/\//m);
    expect(interrupted.output).toMatch(/^cache \| .*Ready to accept connections/m);
    expect(interrupted.output).toContain('removed 2 kept container(s)');
    expect(interrupted.leftAtExit).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  test.each([
    ['up --attach', ['up', '--attach']],
    ['up', ['up']],
  ])('Ctrl-C while %s is still starting the services: exits 130 and leaves nothing', async (_, args) => {
    await berth('down');
    const hashes = new Set<string>();
    const interrupted = await interruptRun({
      command: process.execPath,
      args: [cli, ...args],
      cwd: project,
      env: cleanEnv(),
      // Its first container exists (reused containers carry no owner pid, so `moment: 'starting'`
      // cannot see them): the services are still starting. Their reuse identities are noted.
      readyPattern: /(?!)/,
      isReady: () => {
        const found = execFileSync(
          'docker',
          ['ps', '-a', '--filter', 'label=e2e.fixture=berth-up', '--format', '{{.Label "dev.berth.reuse"}}'],
          {
            encoding: 'utf8',
          },
        );
        for (const hash of found.split('\n').filter(Boolean)) hashes.add(hash);
        return hashes.size > 0;
      },
      readyTimeoutMs: budget(180_000),
      exitTimeoutMs: budget(60_000),
    });
    expect(interrupted.ready, interrupted.output).toBe(true);
    expect(interrupted.code, interrupted.output).toBe(130);
    expect(interrupted.output).not.toMatch(/^# db +postgres:\/\//m);
    expect(interrupted.leftAtExit).toEqual([]);
    // Reused containers outlive a session by design: none that this up made may stay, nor their
    // last-use and ready markers (they stayed until the reuse TTL).
    expect(await leftovers()).toEqual([]);
    expect(hashes.size).toBeGreaterThan(0);
    for (const hash of hashes) {
      const markers = await docker('volume', 'ls', '-q', '--filter', `label=dev.berth.reuse.last-use=${hash}`);
      const ready = await docker('volume', 'ls', '-q', '--filter', `label=dev.berth.reuse.ready=${hash}`);
      expect([...markers, ...ready], `markers of ${hash}`).toEqual([]);
    }
  });

  test('up --attach ends by itself when berth down removes its services elsewhere', async () => {
    const attached = spawn(process.execPath, [cli, 'up', '--attach'], { cwd: project, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    attached.stdout.on('data', (chunk) => {
      output += chunk;
    });
    attached.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => attached.on('close', (code) => resolve(code)));
    const timer = setTimeout(() => attached.kill('SIGKILL'), budget(180_000));
    try {
      await expect.poll(() => output, poll(120_000)).toContain('following the logs');
      const down = await berth('down');
      expect(down.code, down.stderr).toBe(0);
      expect(await exited, output).toBe(0);
      expect(output).toContain('the log of db ended');
      expect(output).toContain('every service is gone');
      await expect.poll(() => leftoversOfPid(attached.pid as number), poll()).toEqual([]);
      expect(await leftovers()).toEqual([]);
    } finally {
      clearTimeout(timer);
      attached.kill('SIGKILL');
    }
  });
});
