/**
 * Issue "Compose": a 3-service compose file (postgres with a health check, redis with one, an app
 * that depends on both being healthy), from the call until all three are ready:
 *
 * - berth:          startCompose(file)
 * - compose v2:     `docker compose up -d --wait` (Compose v2 2.26 from scripts/compose-v2, the reference
 *                   testcontainers and every peer run; `--wait` returns once all are healthy / running)
 * - testcontainers: testcontainers-node's DockerComposeEnvironment (it shells out to Compose v2),
 *                   waiting for the two health checks, on its own Node in the peer worker
 * - docker-compose: `docker-compose up -d` (1.29, which itself waits for the health conditions) and
 *                   then polling `docker inspect` until postgres and redis are healthy and the app runs;
 *                   kept for the record, no longer a target (1.29 is years out of date)
 * - raw:            the same work as plain Engine API calls over the socket — network, two creates and
 *                   starts, polling health every 25 ms, then the app's create and start
 *
 * Every subject runs the same containers with the same health checks, so the health check interval
 * (the engine's own schedule) weighs the same in each; what differs is the client.
 * Targets: berth ≤ raw + 100 ms, berth ≤ 0.8× DockerComposeEnvironment.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { BENCH_LABEL, inspectContainer, RUN_ID, removeContainer, request } from '../lib/engine-api.mjs';
import { addSample, compare, finalise, newCase } from '../lib/results.mjs';
import { rotation } from '../lib/stats.mjs';

const ROOT = join(import.meta.dirname, '../..');

const run = promisify(execFile);

const PG_HEALTH = ['CMD-SHELL', 'pg_isready -h 127.0.0.1 -U test -d test'];
const REDIS_HEALTH = ['CMD', 'redis-cli', 'ping'];
const INTERVAL = '500ms';
const INTERVAL_NS = 500_000_000;

const FILE = `
services:
  db:
    image: postgres:15
    environment: { POSTGRES_USER: test, POSTGRES_PASSWORD: test, POSTGRES_DB: test }
    labels: { ${BENCH_LABEL}: "${RUN_ID}" }
    healthcheck: { test: ${JSON.stringify(PG_HEALTH)}, interval: ${INTERVAL}, retries: 60 }
  cache:
    image: redis:7
    labels: { ${BENCH_LABEL}: "${RUN_ID}" }
    healthcheck: { test: ${JSON.stringify(REDIS_HEALTH)}, interval: ${INTERVAL}, retries: 60 }
  app:
    image: busybox:latest
    command: [sleep, "3600"]
    labels: { ${BENCH_LABEL}: "${RUN_ID}" }
    depends_on:
      db: { condition: service_healthy }
      cache: { condition: service_healthy }
`;

async function inspectState(id) {
  return (await inspectContainer(id)).State;
}

async function untilHealthy(ids, everyMs) {
  for (;;) {
    const states = await Promise.all(ids.map(inspectState));
    if (states.some((s) => s.Health?.Status === 'unhealthy' || !s.Running)) throw new Error('a service died or turned unhealthy');
    if (states.every((s) => s.Health?.Status === 'healthy')) return;
    await sleep(everyMs);
  }
}

function health(test) {
  return { Test: test, Interval: INTERVAL_NS, Retries: 60 };
}

async function rawUp(project) {
  const network = `${project}_default`;
  const { body: net } = await request('POST', '/networks/create', { Name: network, Labels: { [BENCH_LABEL]: RUN_ID } });
  const create = async (name, spec) => {
    const { body } = await request('POST', `/containers/create?name=${project}-${name}-1`, {
      ...spec,
      Labels: { [BENCH_LABEL]: RUN_ID },
      HostConfig: { NetworkMode: network },
      NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [name] } } },
    });
    await request('POST', `/containers/${body.Id}/start`);
    return body.Id;
  };
  const ids = [];
  const cleanup = async () => {
    await Promise.allSettled(ids.map(removeContainer));
    await request('DELETE', `/networks/${net.Id}`).catch(() => undefined);
  };
  try {
    ids.push(
      ...(await Promise.all([
        create('db', {
          Image: 'postgres:15',
          Env: ['POSTGRES_USER=test', 'POSTGRES_PASSWORD=test', 'POSTGRES_DB=test'],
          Healthcheck: health(PG_HEALTH),
        }),
        create('cache', { Image: 'redis:7', Healthcheck: health(REDIS_HEALTH) }),
      ])),
    );
    await untilHealthy(ids, 25);
    ids.push(await create('app', { Image: 'busybox:latest', Cmd: ['sleep', '3600'] }));
  } catch (error) {
    await cleanup();
    throw error;
  }
  return cleanup;
}

export async function composeUp(ctx) {
  const { startCompose } = await import('@berth/core/compose');
  const entry = newCase({
    id: 'compose',
    suite: 'Compose',
    title: '3-service compose file → all ready',
    what: 'postgres + redis with health checks, an app depending on both being healthy; from the call until all three are ready',
  });
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-compose-'));
  const file = join(dir, 'compose.yaml');
  writeFileSync(file, FILE);
  let hasCli = true;
  await run('docker-compose', ['version']).catch(() => {
    hasCli = false;
    entry.notes.push('docker-compose is not installed (scripts/test-deps installs it): that subject is left out.');
  });
  // Compose v2 from its cache (fetched on first use; scripts/test-deps warms it).
  const composeBin = await run(join(ROOT, 'scripts/compose-v2'), [], { timeout: 300_000 })
    .then(({ stdout }) => stdout.trim().split('\n').at(-1))
    .catch((error) => {
      entry.notes.push(
        `Compose v2 is not available (scripts/compose-v2: ${String(error.message).split('\n')[0]}): its subjects are left out.`,
      );
      return undefined;
    });
  const subjects = {
    berth: {
      label: 'berth startCompose',
      async run(i) {
        const env = await startCompose({
          files: file,
          projectName: `bench-berth-${RUN_ID}-${i}`.toLowerCase().replace(/[^a-z0-9_-]/g, ''),
        });
        return () => env.stop();
      },
    },
    raw: {
      label: 'raw engine calls',
      run: (i) => rawUp(`bench-raw-${RUN_ID}-${i}`.toLowerCase().replace(/[^a-z0-9_-]/g, '')),
    },
    ...(composeBin && {
      v2: {
        label: 'docker compose up -d --wait (v2)',
        async run(i) {
          const project = `benchv2${RUN_ID}${i}`.toLowerCase().replace(/[^a-z0-9]/g, '');
          const down = () => run(composeBin, ['-f', file, '-p', project, 'down', '-v', '-t', '0']).then(() => undefined);
          try {
            await run(composeBin, ['-f', file, '-p', project, 'up', '-d', '--wait']);
          } catch (error) {
            await down().catch(() => undefined);
            throw error;
          }
          return down;
        },
      },
    }),
    ...(composeBin &&
      ctx.peer && {
        tc: {
          label: 'testcontainers DockerComposeEnvironment',
          async run(i) {
            const project = `benchtc${RUN_ID}${i}`.toLowerCase().replace(/[^a-z0-9]/g, '');
            const started = await ctx.peer.call('composeUp', { dir, file: 'compose.yaml', project, healthy: ['db', 'cache'], composeBin });
            return { ms: started.ms, cleanup: () => ctx.peer.call('composeDown', { key: started.key }) };
          },
        },
      }),
    ...(hasCli && {
      cli: {
        label: 'docker-compose up -d + health polling',
        async run(i) {
          const project = `benchcli${RUN_ID}${i}`.toLowerCase().replace(/[^a-z0-9]/g, '');
          const down = () => run('docker-compose', ['-f', file, '-p', project, 'down', '-v', '-t', '0']).then(() => undefined);
          try {
            await run('docker-compose', ['-f', file, '-p', project, 'up', '-d', '--no-color']);
            const { stdout } = await run('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`]);
            const ids = stdout.split('\n').filter(Boolean);
            const states = await Promise.all(ids.map(async (id) => ({ id, info: await inspectContainer(id) })));
            await untilHealthy(
              states.filter((s) => s.info.State.Health).map((s) => s.id),
              25,
            );
          } catch (error) {
            await down().catch(() => undefined);
            throw error;
          }
          return down;
        },
      },
    }),
  };
  const n = ctx.quick ? 1 : 5;
  try {
    for (let i = 0; i < n; i++) {
      for (const key of rotation(Object.keys(subjects), i)) {
        let cleanup;
        const began = performance.now();
        try {
          const result = await subjects[key].run(i);
          // The peer times its own call (no pipe on the clock); the others are timed here.
          const ms = typeof result === 'function' ? performance.now() - began : result.ms;
          cleanup = typeof result === 'function' ? result : result.cleanup;
          addSample(entry, key, subjects[key].label, i, ms);
        } catch (error) {
          entry.errors.push(`${key} #${i}: ${error.message.split('\n')[0]}`);
        } finally {
          await cleanup?.().catch(() => undefined);
        }
      }
      ctx.progress(`compose ${i + 1}/${n}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  compare(entry, 'berth', 'raw', { kind: 'delta', limitMs: 100 });
  compare(entry, 'berth', 'tc', { kind: 'ratio', limit: 0.8 });
  compare(entry, 'berth', 'v2');
  return [finalise(entry)];
}
