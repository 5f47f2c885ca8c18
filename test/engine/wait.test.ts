/**
 * Wait strategies against the real engine, through the built package (what users get): readiness
 * is real readiness (not the port proxy), failures are fast and explain themselves.
 *
 * Needs: bash scripts/engine-up && node scripts/provision-images.mjs berth-test/http-app:latest \
 *   berth-test/noshell:latest postgres:15 busybox:latest; and a built @berth/core.
 */
import { request } from 'node:http';
import {
  ContainerExitedError,
  type ContainerSpec,
  type StartedContainer,
  start,
  WaitFailedError,
  WaitTimeoutError,
  wait,
} from '@berth/core';
import { afterEach, describe, expect, it } from 'vitest';
import { budget } from '../support/budget.js';

const HTTP_APP = 'berth-test/http-app:latest';
const started: StartedContainer[] = [];

afterEach(async () => {
  await Promise.allSettled(started.splice(0).map((c) => c.stop()));
});

async function up(spec: ContainerSpec): Promise<StartedContainer> {
  const container = await start(spec);
  started.push(container);
  return container;
}

/** Starts a spec expected to fail; returns the error and how long it took. */
async function failing(spec: ContainerSpec): Promise<{ error: unknown; ms: number }> {
  const began = performance.now();
  const error = await up(spec).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: performance.now() - began };
}

/** One GET with a fresh connection; rejects on reset or refusal. */
function get(host: string, port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('wait.ports', () => {
  it('is ready only once the app listens inside, not when the port proxy does', async () => {
    const app = await up({ image: HTTP_APP, ports: [8080, 8443], env: { STARTUP_DELAY_MS: 1500 }, wait: wait.ports() });
    await expect(get(app.host, app.mappedPort(8080), '/hello')).resolves.toEqual({ status: 200, body: 'hello' });
  });

  it('works on an image without a shell', async () => {
    const app = await up({ image: 'berth-test/noshell:latest', ports: [8080], wait: wait.ports() });
    const { status } = await get(app.host, app.mappedPort(8080), '/');
    expect(status).toBeLessThan(budget(500));
  });

  it('is the default for an image with exposed ports and no health check', async () => {
    const app = await up({ image: HTTP_APP, ports: [8080], env: { STARTUP_DELAY_MS: 1000 } });
    await expect(get(app.host, app.mappedPort(8080), '/hello')).resolves.toMatchObject({ status: 200 });
  });
});

describe('wait.log', () => {
  it('waits for the second "ready" line of postgres', async () => {
    const db = await up({
      image: 'postgres:15',
      env: { POSTGRES_PASSWORD: 'test' },
      ports: [5432],
      wait: wait.log(/database system is ready to accept connections/, { times: 2 }),
    });
    const { exitCode } = await db.exec(['pg_isready', '-h', '127.0.0.1']);
    expect(exitCode).toBe(0);
  });

  it('fails fast with exit code and log tail when the container exits', async () => {
    const { error, ms } = await failing({
      image: 'busybox:latest',
      // The pause keeps the line from racing the log stream's attach (a container-layer matter).
      command: ['sh', '-c', 'echo "config missing"; sleep 1; exit 3'],
      wait: wait.log('never printed'),
      startupTimeoutMs: 60_000,
    });
    expect(error).toBeInstanceOf(ContainerExitedError);
    const exited = error as ContainerExitedError;
    expect(exited.details.exitCode).toBe(3);
    expect(exited.details.logTail).toContain('config missing');
    expect(ms).toBeLessThan(budget(10_000));
  });
});

describe('wait.http', () => {
  it('HTTP, HTTPS with a self-signed certificate, and basic auth', async () => {
    await up({
      image: HTTP_APP,
      ports: [8080, 8443],
      wait: wait.all([
        wait.http('/hello', { port: 8080 }),
        wait.http('/hello', { port: 8443, tls: true, insecure: true }),
        wait.http('/auth', { port: 8080, basicAuth: { username: 'berth', password: 'secret' } }),
      ]),
    });
  });

  it('times out naming the last status', async () => {
    const { error } = await failing({
      image: HTTP_APP,
      ports: [8080],
      // Long enough for the app to listen even on a busy machine, so the last answer is the 503.
      wait: wait.http('/status/503', { port: 8080, timeoutMs: 8000 }),
    });
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toContain('status 503');
  });
});

describe('wait.healthy, wait.command, wait.exit', () => {
  const busybox = (command: string, extra: Partial<ContainerSpec> = {}): ContainerSpec => ({
    image: 'busybox:latest',
    command: ['sh', '-c', command],
    ...extra,
  });
  const check = (test: string) => ({ test: ['CMD-SHELL', test], intervalMs: 200, retries: 2, startIntervalMs: 200 });

  it('healthy: waits for the health check, fails at once when unhealthy or absent', async () => {
    // Failures within the start period do not count, so the first second of "not yet" is no failure.
    const slowStart = { ...check('test -f /tmp/ok'), startPeriodMs: 10_000 };
    await up(busybox('sleep 1; touch /tmp/ok; sleep 600', { healthcheck: slowStart, wait: wait.healthy() }));
    const unhealthy = await failing(busybox('sleep 600', { healthcheck: check('echo broken; false'), wait: wait.healthy() }));
    expect(unhealthy.error).toBeInstanceOf(WaitFailedError);
    expect((unhealthy.error as Error).message).toContain('broken');
    const none = await failing(busybox('sleep 600', { wait: wait.healthy() }));
    expect(none.error).toBeInstanceOf(WaitFailedError);
  });

  it('command: an exec exits 0', async () => {
    await up(busybox('sleep 1; touch /tmp/ready; sleep 600', { wait: wait.command(['test', '-f', '/tmp/ready']) }));
  });

  it('exit: expects the container to stop with the given code', async () => {
    await up(busybox('echo migrated', { wait: wait.exit(0) }));
    const wrong = await failing(busybox('exit 4', { wait: wait.exit(0) }));
    expect(wrong.error).toBeInstanceOf(WaitFailedError);
    expect((wrong.error as WaitFailedError).details.exitCode).toBe(4);
  });
});
