/**
 * The testcontainers side of the in-process cases. The harness (Node 20, berth's side) runs this
 * under the peer's own Node 22 and sends one JSON request a line on stdin; each answer is one JSON
 * line on stdout. Timing happens here, around the library call, exactly as the harness times berth,
 * so the pipe between the two processes is never on the clock.
 *
 * Environment the harness sets: TESTCONTAINERS_RYUK_DISABLED=true (Ryuk's image cannot be pulled
 * here) and TESTCONTAINERS_HOST_OVERRIDE=localhost (see docs/benchmarks.md: without it, a run
 * inside a container makes testcontainers try to pull alpine:3.14 to find the gateway).
 */
import { createInterface } from 'node:readline';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import pg from 'pg';
import { GenericContainer, Wait } from 'testcontainers';
import { PG_ENV, PG_READY, pgUrl, selectOne } from '../lib/select-one.mjs';
import { traceCalls } from '../lib/trace.mjs';

const labels = { 'berth-bench.run': process.env.BENCH_RUN_ID ?? `${process.pid}` };
const held = new Map();
/** Started DockerComposeEnvironments, by key. */
const composes = new Map();
let nextKey = 1;

function keep(container) {
  const key = String(nextKey++);
  held.set(key, container);
  return key;
}

const busybox = () => new GenericContainer('busybox:latest').withCommand(['sleep', '3600']).withLabels(labels);

async function timed(fn) {
  const stop = traceCalls();
  const began = performance.now();
  const value = await fn();
  return { ms: performance.now() - began, calls: stop(), value };
}

const ops = {
  async versions() {
    const { readFileSync } = await import('node:fs');
    const version = (name) => JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
    return { node: process.version, testcontainers: version('testcontainers'), postgresql: version('@testcontainers/postgresql') };
  },

  async start() {
    const { ms, calls, value } = await timed(() => busybox().start());
    return { ms, calls, key: keep(value), id: value.getId() };
  },

  async remove({ key }) {
    const container = held.get(key);
    held.delete(key);
    const { ms, calls } = await timed(() => container.stop());
    return { ms, calls };
  },

  async parallel({ count }) {
    const { ms, calls, value } = await timed(() => Promise.all(Array.from({ length: count }, () => busybox().start())));
    return { ms, calls, keys: value.map(keep) };
  },

  async removeMany({ keys }) {
    const containers = keys.map((key) => held.get(key));
    for (const key of keys) held.delete(key);
    const { ms, calls } = await timed(() => Promise.all(containers.map((c) => c.stop())));
    return { ms, calls };
  },

  /** Starts a container that prints "ready" after a delay; answers with the wall clock at resolve. */
  async logReady({ delaySeconds }) {
    const { ms, value } = await timed(() =>
      new GenericContainer('busybox:latest')
        .withCommand(['sh', '-c', `sleep ${delaySeconds}; echo ready; exec sleep 3600`])
        .withLabels(labels)
        .withWaitStrategy(Wait.forLogMessage('ready'))
        .start(),
    );
    const resolvedAt = Date.now();
    return { ms, resolvedAt, id: value.getId(), key: keep(value) };
  },

  async postgresModule() {
    const { ms, calls, value } = await timed(async () => {
      const container = await new PostgreSqlContainer('postgres:15').withLabels(labels).start();
      await selectOne(pg, container.getConnectionUri());
      return container;
    });
    return { ms, doneAt: Date.now(), calls, id: value.getId(), key: keep(value) };
  },

  /** `count` PostgreSqlContainer starts issued at once, each until SELECT 1 answers (the contention case). */
  async postgresMany({ count }) {
    const began = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: count }, async () => {
        const container = await new PostgreSqlContainer('postgres:15').withLabels(labels).start();
        const key = keep(container);
        await selectOne(pg, container.getConnectionUri());
        return key;
      }),
    );
    const ms = performance.now() - began;
    return {
      ms,
      keys: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
      errors: results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason?.message ?? r.reason).split('\n')[0]] : [])),
    };
  },

  async postgresGeneric() {
    const { ms, calls, value } = await timed(async () => {
      const container = await new GenericContainer('postgres:15')
        .withEnvironment(PG_ENV)
        .withExposedPorts(5432)
        .withLabels(labels)
        .withWaitStrategy(Wait.forLogMessage(PG_READY, 2))
        .start();
      await selectOne(pg, pgUrl(container.getHost(), container.getMappedPort(5432)));
      return container;
    });
    return { ms, doneAt: Date.now(), calls, id: value.getId(), key: keep(value) };
  },

  /**
   * DockerComposeEnvironment on a compose file, waiting for the healthy services as berth does.
   * `composeBin` is Compose v2 (scripts/compose-v2), made this process's `docker compose` through a
   * DOCKER_CONFIG of its own, so the machine's docker CLI setup is left alone.
   */
  async composeUp({ dir, file, project, healthy, composeBin }) {
    if (!process.env.DOCKER_CONFIG?.includes('berth-bench-docker-config')) {
      const { mkdirSync, mkdtempSync, symlinkSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const config = mkdtempSync(join(tmpdir(), 'berth-bench-docker-config-'));
      mkdirSync(join(config, 'cli-plugins'));
      symlinkSync(composeBin, join(config, 'cli-plugins', 'docker-compose'));
      process.env.DOCKER_CONFIG = config;
    }
    const { DockerComposeEnvironment } = await import('testcontainers');
    let environment = new DockerComposeEnvironment(dir, file).withProjectName(project);
    for (const service of healthy) environment = environment.withWaitStrategy(`${service}-1`, Wait.forHealthCheck());
    const { ms, value } = await timed(() => environment.up());
    const key = String(nextKey++);
    composes.set(key, value);
    return { ms, key };
  },

  async composeDown({ key }) {
    const environment = composes.get(key);
    composes.delete(key);
    await environment.down({ removeVolumes: true, timeout: 0 });
    return {};
  },

  async stopAll() {
    const all = [...held.values()];
    held.clear();
    const environments = [...composes.values()];
    composes.clear();
    await Promise.allSettled([...all.map((c) => c.stop()), ...environments.map((e) => e.down({ removeVolumes: true, timeout: 0 }))]);
    return {};
  },
};

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const { id, op, args } = JSON.parse(line);
  try {
    const result = await ops[op](args ?? {});
    process.stdout.write(`${JSON.stringify({ id, ok: true, result })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ id, ok: false, error: String(error?.stack ?? error) })}\n`);
  }
}
await ops.stopAll();
