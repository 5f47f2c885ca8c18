// startCompose against the real engine: a project comes up in dependency order with compose's labels
// and berth's session labels, fails fast and leaves nothing when a dependency dies, rejects bad input
// before creating anything, and is removed by the reaper when its process is SIGKILLed mid-start.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose substitutions are written ${VAR}
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { wait } from '@berth/core';
import { ComposeFileError, ComposeStartError, startCompose } from '@berth/core/compose';
import { describe, expect, it } from 'vitest';
import { budget } from '../support/budget.js';
import { removeSessionByCli, waitGone } from '../support/session-helpers.js';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '../fixtures/compose');

async function docker(args: string[]): Promise<string[]> {
  const { stdout } = await run('docker', args);
  return stdout.split('\n').filter(Boolean);
}

/** Everything labelled with the compose project (an oracle independent of berth). */
async function projectLeftovers(project: string): Promise<string[]> {
  const filter = `label=com.docker.compose.project=${project}`;
  const [c, n, v] = await Promise.all([
    docker(['ps', '-a', '--filter', filter, '--format', '{{.Names}}']),
    docker(['network', 'ls', '--filter', filter, '--format', '{{.Name}}']),
    docker(['volume', 'ls', '--filter', filter, '--format', '{{.Name}}']),
  ]);
  return [...c, ...n, ...v];
}

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-compose-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const uniqueName = (prefix: string) => `${prefix}-${Math.random().toString(16).slice(2, 10)}`;

describe('startCompose', () => {
  it('starts services after their dependencies, labelled for compose and the session, and removes them all', async () => {
    const dir = project({
      'compose.yaml': `
services:
  cache:
    image: redis:7
    healthcheck: { test: [CMD, redis-cli, ping], interval: 300ms, retries: 50 }
    volumes: [data:/data]
  setup:
    image: busybox:latest
    command: sh -c 'echo setup done'
  web:
    image: busybox:latest
    command: [sh, -c, 'echo "greeting=$$GREETING"; sleep 3600']
    environment: { GREETING: "\${GREETING:-hello}" }
    deploy: { replicas: 2 }
    networks: { default: { aliases: [www] } }
    depends_on:
      cache: { condition: service_healthy }
      setup: { condition: service_completed_successfully }
volumes: { data: {} }
`,
    });
    const name = uniqueName('berth-t');
    const env = await startCompose({ cwd: dir, projectName: name, env: { GREETING: 'hi' }, wait: { web: wait.log('greeting=') } });
    try {
      expect(env.services).toEqual(['cache', 'setup', 'web']);
      const web = env.service('web', 1);
      expect(web.name).toBe(`${name}-web-2`);
      const info = await web.inspect();
      const labels = info?.Config.Labels ?? {};
      expect(labels).toMatchObject({
        'com.docker.compose.project': name,
        'com.docker.compose.service': 'web',
        'com.docker.compose.container-number': '2',
        'com.docker.compose.oneoff': 'False',
      });
      expect(labels['dev.berth.session']).toBeTruthy();
      expect((await web.logs()).stdout).toContain('greeting=hi');
      // The cache was healthy, and reachable by service name, when web started.
      const ping = await web.exec(['sh', '-c', 'echo PING | nc -w 2 cache 6379']);
      expect(ping.stdout).toContain('+PONG');
      const setup = await env.service('setup').inspect();
      expect(setup?.State.ExitCode).toBe(0);
      const session = labels['dev.berth.session'];
      const nets = await docker([
        'network',
        'ls',
        '--filter',
        `label=com.docker.compose.network=default`,
        '--filter',
        `label=dev.berth.session=${session}`,
        '--format',
        '{{.Name}}',
      ]);
      expect(nets).toContain(`${name}_default`);
      const vols = await docker([
        'volume',
        'ls',
        '--filter',
        `label=com.docker.compose.volume=data`,
        '--filter',
        `label=dev.berth.session=${session}`,
        '--format',
        '{{.Name}}',
      ]);
      expect(vols).toContain(`${name}_data`);
      expect(env.details().cache?.ports['6379']).toBe(env.service('cache').mappedPort(6379));
    } finally {
      await env.stop();
      await env.stop();
    }
    expect(await projectLeftovers(name)).toEqual([]);
  });

  it('fails at once when a dependency exits, naming it with its last log lines, and leaves nothing', async () => {
    const dir = project({
      'compose.yaml': `
services:
  db:
    image: busybox:latest
    command: [sh, -c, 'echo "FATAL: bad config"; sleep 1; exit 3']
    healthcheck: { test: [CMD, "false"], interval: 200ms, retries: 100 }
  app:
    image: busybox:latest
    command: [sleep, "3600"]
    depends_on: { db: { condition: service_healthy } }
`,
    });
    const name = uniqueName('berth-t');
    const began = performance.now();
    const error = await startCompose({ cwd: dir, projectName: name }).catch((e: unknown) => e);
    expect(performance.now() - began).toBeLessThan(budget(15_000));
    expect(error).toBeInstanceOf(ComposeStartError);
    const e = error as ComposeStartError;
    expect(e.details.service).toBe('db');
    expect(e.message).toContain('FATAL: bad config');
    expect(await projectLeftovers(name)).toEqual([]);
  });

  it('fails when an already-ready dependency exits before the others are up', async () => {
    const dir = project({
      'compose.yaml': `
services:
  flaky:
    image: busybox:latest
    command: sh -c 'echo up; sleep 1; echo crashing; exit 7'
  slow:
    image: busybox:latest
    command: [sleep, "3600"]
    healthcheck: { test: [CMD, "false"], interval: 200ms, retries: 1000 }
`,
    });
    const name = uniqueName('berth-t');
    const error = await startCompose({ cwd: dir, projectName: name, wait: { flaky: wait.log('up') } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposeStartError);
    expect((error as ComposeStartError).summary).toContain('service flaky exited with code 7');
    expect((error as ComposeStartError).message).toContain('crashing');
    expect(await projectLeftovers(name)).toEqual([]);
  });
  it('fails when an already-healthy dependency turns unhealthy before the others are up', async () => {
    const dir = project({
      'compose.yaml': `
services:
  fickle:
    image: busybox:latest
    command: [sh, -c, 'sleep 1; echo "lost the disk"; touch /tmp/broken; sleep 3600']
    healthcheck: { test: [CMD-SHELL, "test ! -f /tmp/broken"], interval: 200ms, retries: 1 }
  slow:
    image: busybox:latest
    command: [sleep, "3600"]
    healthcheck: { test: [CMD, "false"], interval: 200ms, retries: 1000 }
`,
    });
    const name = uniqueName('berth-t');
    const error = await startCompose({ cwd: dir, projectName: name }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposeStartError);
    expect((error as ComposeStartError).summary).toContain('service fickle turned unhealthy');
    expect((error as ComposeStartError).message).toContain('lost the disk');
    expect(await projectLeftovers(name)).toEqual([]);
  });

  it('a failing build names the service and its step, before any network or container exists', async () => {
    const dir = project({
      'compose.yaml': 'services:\n  app:\n    build: ./app\n',
      'app/Dockerfile': 'FROM busybox:latest\nRUN echo "missing dependency xyz" && false\n',
    });
    const name = uniqueName('berth-t');
    const error = await startCompose({ cwd: dir, projectName: name }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('BERTH_BUILD_FAILED');
    expect((error as Error).message).toContain('service: app');
    expect((error as Error).message).toContain('missing dependency xyz');
    expect(await projectLeftovers(name)).toEqual([]);
  });

  it('a one-shot job nobody waits for is done when it exits with 0, and fails the start with any other code', async () => {
    const job = (code: number) =>
      project({
        'compose.yaml': `
services:
  seed:
    image: busybox:latest
    command: [sh, -c, 'echo seeding; exit ${code}']
  server:
    image: busybox:latest
    command: [sleep, "3600"]
`,
      });
    const ok = uniqueName('berth-t');
    const env = await startCompose({ cwd: job(0), projectName: ok });
    try {
      expect((await env.service('seed').inspect())?.State.ExitCode).toBe(0);
      expect((await env.service('server').inspect())?.State.Running).toBe(true);
    } finally {
      await env.stop();
    }
    const bad = uniqueName('berth-t');
    const error = await startCompose({ cwd: job(4), projectName: bad }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposeStartError);
    expect((error as Error).message).toContain('exited with code 4');
    expect((error as Error).message).toContain('seeding');
    expect([...(await projectLeftovers(ok)), ...(await projectLeftovers(bad))]).toEqual([]);
  });

  it('an AbortSignal stops a start half-way and removes what it made', async () => {
    const name = uniqueName('berth-t');
    const controller = new AbortController();
    const pending = startCompose({ files: path.join(fixtures, 'slow/compose.yaml'), projectName: name, signal: controller.signal });
    // Abort once db exists (app waits for db's health check, which never passes).
    for (let i = 0; i < 200 && (await docker(['ps', '-q', '--filter', `label=com.docker.compose.project=${name}`])).length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    controller.abort(new Error('test over'));
    const error = await pending.catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('BERTH_ABORTED');
    expect(await projectLeftovers(name)).toEqual([]);
  });
});

describe('bad input fails before anything starts', () => {
  const cases: [string, Record<string, string>, RegExp, Record<string, unknown>?][] = [
    [
      'an unsupported key',
      { 'compose.yaml': 'services:\n  a:\n    image: busybox:latest\n    priviliged: true\n' },
      /compose\.yaml:4: `services\.a\.priviliged`: unsupported key/,
    ],
    [
      'an unknown dependency',
      { 'compose.yaml': 'services:\n  a:\n    image: busybox:latest\n    depends_on: [b]\n' },
      /compose\.yaml:4: `services\.a\.depends_on\.b`/,
    ],
    [
      'a cycle',
      { 'compose.yaml': 'services:\n  a: { image: busybox:latest, depends_on: [b] }\n  b: { image: busybox:latest, depends_on: [a] }\n' },
      /dependency cycle: a → b → a/,
    ],
    [
      'an unset required variable',
      { 'compose.yaml': 'services:\n  a:\n    image: busybox:${BERTH_NO_SUCH_TAG:?pick a tag}\n' },
      /compose\.yaml:3: `services\.a\.image`: required variable BERTH_NO_SUCH_TAG is not set: pick a tag/,
    ],
    [
      'a missing env_file',
      { 'compose.yaml': 'services:\n  a:\n    image: busybox:latest\n    env_file: missing.env\n' },
      /compose\.yaml:4: `services\.a\.env_file\[0\]`: env_file .*missing\.env does not exist/,
    ],
    [
      'a missing build context',
      { 'compose.yaml': 'services:\n  a:\n    build: { context: ./app }\n' },
      /compose\.yaml:3: `services\.a\.build\.context`: build context/,
    ],
    [
      'a YAML syntax error',
      { 'compose.yaml': 'services:\n  a:\n    image: "busybox\n' },
      /compose\.yaml:\d+:\d+: invalid YAML: Missing closing "quote/,
    ],
    [
      'a missing external network',
      {
        'compose.yaml':
          'services:\n  a:\n    image: busybox:latest\n    networks: [outside]\nnetworks:\n  outside: { external: true, name: berth-no-such-network }\n',
      },
      /compose\.yaml:6: `networks\.outside`: external network "berth-no-such-network" does not exist/,
    ],
    [
      'a missing external volume',
      {
        'compose.yaml':
          'services:\n  a:\n    image: busybox:latest\n    volumes: [ext:/x]\nvolumes:\n  ext: { external: true, name: berth-no-such-volume }\n',
      },
      /compose\.yaml:6: `volumes\.ext`: external volume "berth-no-such-volume" does not exist/,
    ],
    [
      'a wait override for an unknown service',
      { 'compose.yaml': 'services:\n  a:\n    image: busybox:latest\n' },
      /the `wait` option names "b"/,
      { wait: { b: wait.running() } },
    ],
  ];
  it.for(cases)('%s', async ([, files, message, extra]) => {
    const dir = project(files);
    const name = uniqueName('berth-bad');
    const error = await startCompose({ cwd: dir, projectName: name, ...extra }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposeFileError);
    expect((error as ComposeFileError).code).toBe('BERTH_COMPOSE_FILE');
    expect((error as Error).message).toMatch(message);
    expect(await projectLeftovers(name)).toEqual([]);
  });
});

describe('a runner killed during a compose start', () => {
  it('SIGKILL: the reaper removes the half-started project within 10 s', async () => {
    const name = uniqueName('berth-kill');
    const child = spawn(
      process.execPath,
      [path.join(here, '../support/compose-child.mjs'), path.join(fixtures, 'slow/compose.yaml'), name],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, BERTH_SESSION_ID: undefined, BERTH_SESSION_OWNER_PID: undefined, BERTH_SESSION_OWNER_START: undefined },
      },
    );
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const exited = new Promise<number>((resolve) => child.on('exit', () => resolve(Date.now())));
    let session = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`child not ready in ${budget(60_000)} ms:\n${output}`)), budget(60_000));
        child.stdout.on('data', () => {
          const line = output.split('\n').find((l) => l.startsWith('ready '));
          if (line) {
            clearTimeout(timer);
            session = (JSON.parse(line.slice(6)) as { session: string }).session;
            resolve();
          }
        });
      });
      // Mid-start: db is up (unhealthy forever), its network and volume exist, app is not created yet.
      const before = await projectLeftovers(name);
      expect(before).toEqual(expect.arrayContaining([`${name}-db-1`, `${name}_default`, `${name}_data`]));
      expect(before).not.toContain(`${name}-app-1`);
      child.kill('SIGKILL');
      const at = await exited;
      const gone = await waitGone(session, 10_000);
      expect(gone - at).toBeLessThan(budget(10_000));
      expect(await projectLeftovers(name)).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if (session) await removeSessionByCli(session);
    }
  });
});
