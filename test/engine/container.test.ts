// The container layer against the real engine: a spec becomes a ready container with everything a
// test author needs around it, and every kind of bad input fails fast with a typed error and leaves
// nothing behind.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  AbortError,
  ContainerExitedError,
  type ContainerSpec,
  ImageNotFoundError,
  InvalidImageReferenceError,
  InvalidSpecError,
  PortNotExposedError,
  type StartedContainer,
  start,
  wait,
} from '@berth/core';
import { afterAll, describe, expect, it } from 'vitest';
import { budget } from '../support/budget.js';
import { docker, labelled } from '../support/docker.js';
import { pushToRegistry, startRegistry } from '../support/registry.js';

const run = promisify(execFile);
const BUSY: ContainerSpec = { image: 'busybox:latest', command: ['sleep', '3600'] };

function session(): string {
  const id = process.env.BERTH_SESSION_ID;
  if (!id) throw new Error('no session yet');
  return id;
}

async function expectNothingLeft(): Promise<void> {
  const left = await labelled(`dev.berth.session=${session()}`);
  expect(left.containers).toEqual([]);
}

async function timed<T>(fn: () => Promise<T>): Promise<{ error: unknown; ms: number }> {
  const began = performance.now();
  try {
    await fn();
  } catch (error) {
    return { error, ms: performance.now() - began };
  }
  throw new Error('expected a failure');
}

afterAll(async () => {
  await expectNothingLeft();
});

describe('a started container', () => {
  it('execs argv with exit code, stdout and stderr apart, env, user and working dir', async () => {
    await using c = await start(BUSY);
    const result = await c.exec(['sh', '-c', 'echo "$GREETING from $(pwd) as $(id -u)"; echo oops >&2; exit 7'], {
      env: { GREETING: 'hi' },
      user: '1234',
      workingDir: '/tmp',
    });
    expect(result).toEqual({ exitCode: 7, stdout: 'hi from /tmp as 1234\n', stderr: 'oops\n' });
    const labels = JSON.parse(await docker('inspect', '--format', '{{json .Config.Labels}}', c.id)) as Record<string, string>;
    expect(labels['dev.berth.session']).toBe(session());
    expect(labels['dev.berth.owner.pid']).toBe(String(process.pid));
  });

  it('keeps stdout and stderr apart in log snapshots and live follows', async () => {
    await using c = await start({
      image: 'busybox:latest',
      command: ['sh', '-c', 'echo to-out; echo to-err >&2; sleep 3600'],
      wait: wait.log('to-err'),
    });
    expect(await c.logs()).toEqual({ stdout: 'to-out\n', stderr: 'to-err\n' });
    const follow = await c.followLogs();
    const seen = new Promise<string>((resolve) => follow.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    await c.exec(['sh', '-c', 'echo late > /proc/1/fd/1']);
    expect(await seen).toContain('to-out');
    follow.destroy();
  });

  it('copies files, directories and content in before start, and out again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-copy-'));
    writeFileSync(join(dir, 'one.txt'), 'first');
    mkdirSync(join(dir, 'tree/sub'), { recursive: true });
    writeFileSync(join(dir, 'tree/sub/two.txt'), 'second');
    await using c = await start({
      ...BUSY,
      copy: [
        { source: join(dir, 'one.txt'), target: '/etc/app/one.txt' },
        { source: join(dir, 'tree'), target: '/srv/tree' },
        { content: '#!/bin/sh\necho script-ran\n', target: '/usr/local/bin/hello', mode: 0o755 },
      ],
    });
    expect((await c.exec(['cat', '/etc/app/one.txt', '/srv/tree/sub/two.txt'])).stdout).toBe('firstsecond');
    expect((await c.exec(['hello'])).stdout).toBe('script-ran\n');
    await c.copyTo({ content: 'later', target: '/tmp/later.txt' });
    expect((await c.readFile('/tmp/later.txt')).toString()).toBe('later');
    const out = mkdtempSync(join(tmpdir(), 'berth-out-'));
    await c.copyOut('/srv/tree', out);
    expect(readFileSync(join(out, 'tree/sub/two.txt'), 'utf8')).toBe('second');
  });

  it('maps ports: random by default, fixed, free-picked up front, and udp; unexposed ports list the exposed ones', async () => {
    const spec: ContainerSpec = {
      image: 'berth-test/http-app:latest',
      ports: [8080, { container: 8443, host: 'free' }, '5353/udp'],
    };
    const frozen = structuredClone({ ...spec });
    await using c = await start(spec);
    expect(spec).toEqual(frozen);
    const port = c.mappedPort(8080);
    expect(port).toBeGreaterThan(1024);
    expect(c.host).toBe('127.0.0.1');
    const response = await fetch(`http://${c.address(8080)}/hello`);
    expect(await response.text()).toBe('hello');
    expect(c.mappedPort(5353, 'udp')).toBeGreaterThan(0);
    const error = (() => {
      try {
        c.mappedPort(9999);
      } catch (e) {
        return e;
      }
    })() as PortNotExposedError;
    expect(error).toBeInstanceOf(PortNotExposedError);
    expect(error.hint).toContain('5353/udp, 8080/tcp, 8443/tcp');
  });

  it('restarts, waits again and re-reads port mappings', async () => {
    await using c = await start({ image: 'berth-test/http-app:latest', wait: wait.log('listening on') });
    const before = await c.inspect();
    await c.restart();
    const after = await c.inspect();
    expect(after?.State.StartedAt).not.toBe(before?.State.StartedAt);
    const response = await fetch(`http://${c.address(8080)}/hello`);
    expect(response.status).toBe(200);
  });

  it('applies limits, tmpfs, hostname, extra hosts, entrypoint and a named volume', async () => {
    const volume = `berth-test-vol-${process.pid}`;
    await using c = await start({
      image: 'busybox:latest',
      entrypoint: ['sh', '-c'],
      command: ['sleep 3600'],
      hostname: 'db-host',
      extraHosts: { 'api.local': '10.1.2.3' },
      tmpfs: [{ target: '/scratch', options: 'size=8m' }],
      volumes: [{ name: volume, target: '/data' }],
      resources: { memory: '64m', cpus: 0.5 },
    });
    const out = (await c.exec(['sh', '-c', 'hostname; grep api.local /etc/hosts; grep /scratch /proc/mounts | cut -d" " -f3'])).stdout;
    expect(out).toContain('db-host');
    expect(out).toContain('10.1.2.3');
    expect(out).toContain('tmpfs');
    const limits = JSON.parse(await docker('inspect', '--format', '{{json .HostConfig}}', c.id)) as { Memory: number; NanoCpus: number };
    expect(limits).toMatchObject({ Memory: 64 * 1024 * 1024, NanoCpus: 5e8 });
    await c.stop();
    await docker('volume', 'rm', volume);
  });

  it('stop is idempotent and removes the container with its anonymous volumes', async () => {
    const c: StartedContainer = await start({ image: 'postgres:15', env: { POSTGRES_PASSWORD: 'pw' } });
    const mounts = JSON.parse(await docker('inspect', '--format', '{{json .Mounts}}', c.id)) as { Name: string }[];
    expect(mounts.length).toBeGreaterThan(0);
    await Promise.all([c.stop(), c.stop()]);
    await c.stop();
    expect(await docker('ps', '-aq', '--filter', `id=${c.id}`)).toBe('');
    const volumes = await docker('volume', 'ls', '-q');
    for (const mount of mounts) expect(volumes.split('\n')).not.toContain(mount.Name);
  });
});

describe('images', () => {
  it('creates first and pulls only when the engine says the image is missing', async () => {
    const registry = await startRegistry();
    try {
      const ref = await pushToRegistry(registry, 'busybox:latest', `berth/pull-on-demand:${process.pid}`);
      expect(await docker('images', '-q', ref)).toBe('');
      await using c = await start({ image: ref, command: ['sleep', '3600'] });
      expect(c.image).toBe(ref);
      expect((await c.exec(['echo', 'pulled'])).stdout).toBe('pulled\n');
      await c.stop();
      await docker('image', 'rm', ref);
    } finally {
      await registry.stop();
    }
  });
});

describe('bad input: typed error, fast, nothing left', () => {
  it('unknown image with pull policy never', async () => {
    const { error, ms } = await timed(() => start({ image: 'berth-test/does-not-exist:1', pullPolicy: 'never' }));
    expect(error).toBeInstanceOf(ImageNotFoundError);
    expect(ms).toBeLessThan(budget(2000));
  });

  it('malformed reference, before touching the engine', async () => {
    const { error, ms } = await timed(() => start({ image: 'Bad Image::' }));
    expect(error).toBeInstanceOf(InvalidImageReferenceError);
    expect(ms).toBeLessThan(budget(500));
  });

  it('port out of range', async () => {
    const { error } = await timed(() => start({ ...BUSY, ports: [70000] }));
    expect(error).toBeInstanceOf(InvalidSpecError);
    expect((error as Error).message).toContain('expected `ports[0]` to be 1–65535, got 70000');
  });

  it('bind source that does not exist', async () => {
    const { error } = await timed(() => start({ ...BUSY, binds: [{ source: '/no/such/dir', target: '/x' }] }));
    expect(error).toBeInstanceOf(InvalidSpecError);
  });

  it('a command that exits at once reports its exit code and logs, and is removed', async () => {
    const { error, ms } = await timed(() =>
      start({ image: 'busybox:latest', command: ['sh', '-c', 'echo cannot start: missing config >&2; exit 3'], ports: [80] }),
    );
    expect(error).toBeInstanceOf(ContainerExitedError);
    const e = error as ContainerExitedError;
    expect(e.details.exitCode).toBe(3);
    expect(e.details.phase).toBe('wait');
    expect(e.details.image).toBe('busybox:latest');
    expect(e.message).toContain('cannot start: missing config');
    expect(ms).toBeLessThan(budget(5000));
    const id = e.details.containerId as string;
    expect(await docker('ps', '-aq', '--filter', `id=${id}`)).toBe('');
  });

  it('an unreachable DOCKER_HOST is final: the error names it and no other engine is tried', async () => {
    const script =
      "import('@berth/core').then(({ start }) => start({ image: 'busybox:latest' })).catch((e) => { console.log(JSON.stringify({ code: e.code, message: e.message })); })";
    const began = performance.now();
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, DOCKER_HOST: 'tcp://127.0.0.1:1', BERTH_SESSION_ID: '' },
      cwd: join(import.meta.dirname, '..'),
    });
    const result = JSON.parse(stdout) as { code: string; message: string };
    expect(result.code).toBe('BERTH_ENGINE_UNREACHABLE');
    expect(result.message).toContain('DOCKER_HOST="tcp://127.0.0.1:1" was chosen explicitly and does not answer: connection refused');
    expect(result.message).not.toContain('default socket');
    expect(performance.now() - began).toBeLessThan(budget(5000));
  });

  it('an aborted signal before start touches nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const { error, ms } = await timed(() => start(BUSY, { signal: controller.signal }));
    expect(error).toBeInstanceOf(AbortError);
    expect(ms).toBeLessThan(budget(500));
  });

  it('aborting during start removes the half-started container', async () => {
    const controller = new AbortController();
    const name = `berth-abort-${process.pid}`;
    setTimeout(() => controller.abort(new Error('test gave up')), 300);
    const { error } = await timed(() =>
      start(
        { image: 'berth-test/http-app:latest', name, env: { STARTUP_DELAY_MS: '5000' }, wait: wait.log('listening on') },
        { signal: controller.signal },
      ),
    );
    expect(error).toBeInstanceOf(AbortError);
    expect(await docker('ps', '-aq', '--filter', `name=^${name}$`)).toBe('');
  });

  it('user labels under the reserved prefix are rejected', async () => {
    const { error } = await timed(() => start({ ...BUSY, labels: { 'dev.berth.session': 'spoof' } }));
    expect(error).toBeInstanceOf(InvalidSpecError);
  });
});
