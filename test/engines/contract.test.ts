// The engine contract: what berth needs from any Docker-API engine, run against whichever engine
// DOCKER_HOST (and DOCKER_TLS_VERIFY / DOCKER_CERT_PATH) names. scripts/test-engines runs it
// against the machine's dockerd (20.10), Docker 26.1, Podman 4.3, Podman 5.4 and a dockerd over TLS.
// Only busybox:latest is needed. The docker CLI (same environment) is the independent oracle.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type ContainerSpec,
  createNetwork,
  createVolume,
  currentSession,
  EngineError,
  endSession,
  start,
  WaitTimeoutError,
  wait,
} from '@berth/core';
import { afterAll, describe, expect, it } from 'vitest';
import { budget } from '../support/budget.js';
import { docker, labelled } from '../support/docker.js';
import { removeSessionByCli, startChild, waitGone } from '../support/session-helpers.js';

// The containers print a line at once: Podman 4.3 answers a log follow only once there is output
// (see the silent-container test), and every other contract should be checked on its own.
const BUSY: ContainerSpec = { image: 'busybox:latest', command: ['sh', '-c', 'echo up; exec sleep 3600'] };
const engine = process.env.BERTH_ENGINE_NAME ?? 'docker';
const HTTPD = ['sh', '-c', 'mkdir -p /www && echo hello-from-web > /www/index.html && echo up && exec httpd -f -p 8080 -h /www'];

/** Where published ports must be reached: DOCKER_HOST's address for tcp, else this machine. */
function expectedPortHost(): string {
  const host = process.env.DOCKER_HOST ?? '';
  if (host.startsWith('tcp://')) return new URL(host.replace(/^tcp:/, 'http:')).hostname;
  return '127.0.0.1';
}

async function sessionId(): Promise<string> {
  const session = await currentSession();
  if (!session) throw new Error('no berth session yet');
  return session.id;
}

afterAll(async () => {
  const id = await sessionId().catch(() => undefined);
  await endSession();
  if (id) expect(await labelled(`dev.berth.session=${id}`)).toEqual({ containers: [], networks: [], volumes: [] });
});

describe(`engine contract (${process.env.DOCKER_HOST ?? 'default socket'})`, () => {
  it('starts a container with the session labels; stop removes it', async () => {
    const c = await start(BUSY);
    const state = JSON.parse(await docker('inspect', '--format', '{{json .State.Running}}', c.id)) as boolean;
    expect(state).toBe(true);
    const labels = JSON.parse(await docker('inspect', '--format', '{{json .Config.Labels}}', c.id)) as Record<string, string>;
    expect(labels['dev.berth.session']).toBe(await sessionId());
    // stop() kills: sleep as pid 1 ignores SIGTERM, so a graceful stop would wait out the engine's
    // stop timeout (Podman 5 stops that way on a forced DELETE: 10 s a container).
    const began = performance.now();
    await c.stop();
    expect(performance.now() - began).toBeLessThan(budget(5000));
    await c.stop();
    expect(await docker('ps', '-aq', '--filter', `id=${c.id}`)).toBe('');
  });

  it('starts a container that prints nothing (bounded: 30 s)', async () => {
    await using c = await start({ image: 'busybox:latest', command: ['sleep', '3600'] }, { signal: AbortSignal.timeout(30_000) });
    expect((await c.exec(['true'])).exitCode).toBe(0);
  });

  it('startupTimeoutMs bounds a start that never becomes ready, without any signal', async () => {
    const began = performance.now();
    const never = start({ image: 'busybox:latest', command: ['sleep', '3600'], wait: wait.log('never printed'), startupTimeoutMs: 3000 });
    const timer = new AbortController();
    const outcome = await Promise.race([
      never.then(
        () => 'ready',
        (error: unknown) => error,
      ),
      sleep(20_000, 'still pending after 20 s', { signal: timer.signal }).catch(() => 'timer cleared'),
    ]);
    timer.abort();
    expect(outcome).toBeInstanceOf(WaitTimeoutError);
    expect(performance.now() - began).toBeLessThan(budget(15_000));
  });

  it('publishes ports at the port host DOCKER_HOST names and waits for http readiness', async () => {
    await using c = await start({ image: 'busybox:latest', command: HTTPD, ports: [8080], wait: wait.http('/index.html', { port: 8080 }) });
    expect(c.host).toBe(expectedPortHost());
    expect(c.mappedPort(8080)).toBeGreaterThan(0);
    const response = await fetch(`http://${c.address(8080)}/index.html`);
    expect(await response.text()).toBe('hello-from-web\n');
  });

  // Podman runs health checks from systemd timers; the Podmans here run without systemd, so no check
  // ever runs there (the status stays "starting"). Not berth's to fix on the engine side.
  it.skipIf(engine.startsWith('podman'))(
    'a health check start interval speeds readiness on every API version (1.44 has the field; older engines drop it)',
    async () => {
      const began = performance.now();
      // Without the start interval the first probe comes after a minute; with it, within a second.
      await using c = await start({
        ...BUSY,
        healthcheck: { test: ['CMD', 'true'], intervalMs: 60_000, startPeriodMs: 60_000, startIntervalMs: 250 },
        wait: wait.healthy(),
      });
      expect(performance.now() - began).toBeLessThan(budget(10_000));
      const health = JSON.parse(await docker('inspect', '--format', '{{json .State.Health.Status}}', c.id)) as string;
      expect(health).toBe('healthy');
    },
  );

  it('execs with exit code, stdout and stderr apart, env, user and working dir', async () => {
    await using c = await start(BUSY);
    const result = await c.exec(['sh', '-c', 'echo "$GREETING from $(pwd) as $(id -u)"; echo oops >&2; exit 7'], {
      env: { GREETING: 'hi' },
      user: '1234',
      workingDir: '/tmp',
    });
    expect(result).toEqual({ exitCode: 7, stdout: 'hi from /tmp as 1234\n', stderr: 'oops\n' });
  });

  it('keeps stdout and stderr apart in logs; waits for a log line', async () => {
    await using c = await start({
      image: 'busybox:latest',
      command: ['sh', '-c', 'echo to-out; echo to-err >&2; sleep 3600'],
      wait: wait.log('to-err'),
    });
    expect(await c.logs()).toEqual({ stdout: 'to-out\n', stderr: 'to-err\n' });
  });

  it('copies files and directories in before start and after, and out again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-contract-'));
    mkdirSync(join(dir, 'tree/sub'), { recursive: true });
    writeFileSync(join(dir, 'tree/sub/two.txt'), 'second');
    await using c = await start({
      ...BUSY,
      copy: [
        { source: join(dir, 'tree'), target: '/srv/tree' },
        { content: '#!/bin/sh\necho script-ran\n', target: '/usr/local/bin/hello', mode: 0o755 },
      ],
    });
    expect((await c.exec(['cat', '/srv/tree/sub/two.txt'])).stdout).toBe('second');
    expect((await c.exec(['hello'])).stdout).toBe('script-ran\n');
    await c.copyTo({ content: 'later', target: '/tmp/later.txt' });
    expect((await c.readFile('/tmp/later.txt')).toString()).toBe('later');
    const out = mkdtempSync(join(tmpdir(), 'berth-contract-out-'));
    await c.copyOut('/srv/tree', out);
    expect(readFileSync(join(out, 'tree/sub/two.txt'), 'utf8')).toBe('second');
  });

  it('containers on a created network reach each other by alias', async () => {
    await using net = await createNetwork();
    await using web = await start({
      image: 'busybox:latest',
      command: HTTPD,
      networks: [{ name: net.name, aliases: ['web'] }],
      wait: wait.ports({ ports: [8080] }),
    });
    await using client = await start({ ...BUSY, networks: [{ name: net.name }] });
    expect(web.id).not.toBe(client.id);
    // busybox's static wget crashes in name resolution; nc does not. A raw HTTP request it is.
    const result = await client.exec(['sh', '-c', 'printf "GET /index.html HTTP/1.0\\r\\n\\r\\n" | nc -w 5 web 8080']);
    expect(result.stdout).toMatch(/^HTTP\/1\.[01] 200/);
    expect(result.stdout).toContain('hello-from-web');
  });

  it('an IPv6 network: with a subnet on every engine; without one, Docker refuses with a hint (it has no default IPv6 pool), Podman picks one', async () => {
    await using withSubnet = await createNetwork({ enableIpv6: true, ipam: { config: [{ subnet: 'fd00:b3e7::/64' }] } });
    const inspected = JSON.parse(await docker('network', 'inspect', '--format', '{{json .EnableIPv6}}', withSubnet.name)) as boolean;
    expect(inspected).toBe(true);
    const bare = createNetwork({ enableIpv6: true });
    if (engine.startsWith('podman')) {
      await using net = await bare;
      expect(net.name).toBeTruthy();
    } else {
      const error = await bare.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(EngineError);
      expect((error as EngineError).hint).toContain('subnet');
    }
  });

  it('a named volume carries data from one container to the next', async () => {
    await using volume = await createVolume();
    const writer = await start({ ...BUSY, volumes: [{ name: volume.name, target: '/data' }] });
    expect((await writer.exec(['sh', '-c', 'echo kept > /data/file'])).exitCode).toBe(0);
    await writer.stop();
    await using reader = await start({ ...BUSY, volumes: [{ name: volume.name, target: '/data' }] });
    expect((await reader.exec(['cat', '/data/file'])).stdout).toBe('kept\n');
  });

  it('a killed session owner: its reaper removes container, network and volume within 10 s', async (t) => {
    const child = await startChild('wait');
    t.onTestFinished(async () => {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
      await child.exited;
      await removeSessionByCli(child.info.session);
    });
    expect((await labelled(`dev.berth.session=${child.info.session}`)).containers.length).toBe(1);
    child.process.kill('SIGKILL');
    const { at } = await child.exited;
    const gone = await waitGone(child.info.session, 10_000);
    expect(gone - at).toBeLessThan(budget(10_000));
  });
});
