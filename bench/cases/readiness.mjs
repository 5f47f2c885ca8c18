/**
 * Issue "Wait strategies": how late berth notices readiness.
 *
 * - log latency: a busybox prints "ready" after a delay; latency = the moment start() resolves
 *   minus the engine's own timestamp of that line (logs?timestamps=1, read afterwards). Both are
 *   wall-clock readings of the same host clock, so the difference is what the wait added.
 * - postgres ready-to-query: from the start call until a `select 1` has answered, against
 *   `docker run` + `docker logs` polling, berth's generic spec, the postgres module and the peer.
 */
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { dockerRunPostgres } from '../lib/cli-postgres.mjs';
import { benchLabels, followUntil, removeContainer, runContainer, timestampedLogs } from '../lib/engine-api.mjs';
import { addBreakdown, addSample, compare, finalise, newCase } from '../lib/results.mjs';
import { PG_ENV, PG_READY, pgUrl, selectOne } from '../lib/select-one.mjs';
import { rotation } from '../lib/stats.mjs';
import { traceCalls } from '../lib/trace.mjs';

const CORE_DIR = fileURLToPath(new URL('../../packages/core/', import.meta.url));
/** pg comes from @berth/core's own dev dependencies: the bench adds nothing to the root. */
export const pg = createRequire(`${CORE_DIR}package.json`)('pg');

const DELAY_SECONDS = 1;
const READY_CMD = ['sh', '-c', `sleep ${DELAY_SECONDS}; echo ready; exec sleep 3600`];

async function lineAt(id, text) {
  // The engine may not have flushed the line to its log file the instant a follower saw it.
  for (let attempt = 0; attempt < 20; attempt++) {
    const line = (await timestampedLogs(id)).find((l) => l.text.trim() === text);
    if (line) return line.at;
    await sleep(50);
  }
  throw new Error(`no "${text}" line in the log of ${id.slice(0, 12)}`);
}

/** Engine timestamp of the last line matching `pattern` so far. */
async function lastLineAt(id, pattern) {
  const lines = (await timestampedLogs(id)).filter((l) => pattern.test(l.text));
  if (lines.length === 0) throw new Error(`no line matching ${pattern} in the log of ${id.slice(0, 12)}`);
  return lines[lines.length - 1].at;
}

export async function logLatency(ctx) {
  const { start, wait } = ctx.berth;
  const entry = newCase({
    id: 'log-latency',
    suite: 'Wait strategies',
    title: 'log line → start() resolves',
    what: `busybox prints "ready" after ${DELAY_SECONDS} s; resolve time minus the engine's timestamp of the line`,
  });
  const subjects = {
    raw: {
      label: 'raw follow',
      async run() {
        const id = await runContainer({ image: 'busybox:latest', cmd: READY_CMD });
        await followUntil(id, /^ready$/);
        return { resolvedAt: Date.now(), id, cleanup: () => removeContainer(id) };
      },
    },
    berth: {
      label: 'berth',
      async run() {
        const stop = traceCalls();
        const c = await start({ image: 'busybox:latest', command: READY_CMD, labels: benchLabels, wait: wait.log('ready') });
        return { resolvedAt: Date.now(), id: c.id, calls: stop(), cleanup: () => c.stop() };
      },
    },
    ...(ctx.peer && {
      peer: {
        label: 'testcontainers',
        async run() {
          const r = await ctx.peer.call('logReady', { delaySeconds: DELAY_SECONDS });
          return { resolvedAt: r.resolvedAt, id: r.id, cleanup: () => ctx.peer.call('remove', { key: r.key }) };
        },
      },
    }),
  };
  for (let i = 0; i < ctx.n.logLatency; i++) {
    for (const key of rotation(Object.keys(subjects), i)) {
      let r;
      try {
        r = await subjects[key].run();
        addSample(entry, key, subjects[key].label, i, r.resolvedAt - (await lineAt(r.id, 'ready')));
        if (r.calls) entry.calls[key] = r.calls;
      } catch (error) {
        entry.errors.push(`${key} #${i}: ${error.message}`);
      } finally {
        await r?.cleanup().catch(() => undefined);
      }
    }
    ctx.progress(`log latency ${i + 1}/${ctx.n.logLatency}`);
  }
  compare(entry, 'berth', undefined, { kind: 'value', limitMs: 20 });
  compare(entry, 'berth', 'raw');
  compare(entry, 'berth', 'peer');
  return [finalise(entry)];
}

export async function postgresReadyToQuery(ctx) {
  const { start, wait } = ctx.berth;
  const entry = newCase({
    id: 'postgres-ready',
    suite: 'Wait strategies',
    title: 'postgres:15 start → `select 1` answered',
    what: 'from the start call until a fresh pg client has run `select 1` (no retries)',
  });
  // The container's own init time swings by seconds with the machine's load and hides the client.
  // Timed from the engine's stamp of the server's last "ready" line instead, the same runs show
  // how late each subject notices readiness and gets its query through.
  const notice = newCase({
    id: 'postgres-notice',
    suite: 'Wait strategies',
    title: 'postgres:15 last ready line → `select 1` answered',
    what: "the same runs, timed from the engine's timestamp of the server's last ready line to the query's answer",
  });
  const subjects = {
    cli: {
      label: 'docker run + logs poll',
      async run() {
        const r = await dockerRunPostgres(pg);
        return { ms: r.ms, doneAt: Date.now(), id: r.id, cleanup: () => removeContainer(r.id) };
      },
    },
    generic: {
      label: 'berth generic',
      async run() {
        const stop = traceCalls();
        const began = performance.now();
        const c = await start({
          image: 'postgres:15',
          env: PG_ENV,
          ports: [5432],
          labels: benchLabels,
          wait: wait.log(PG_READY, { times: 2 }),
        });
        const readyMs = performance.now() - began;
        await selectOne(pg, pgUrl(c.host, c.mappedPort(5432)));
        return {
          ms: performance.now() - began,
          doneAt: Date.now(),
          id: c.id,
          parts: { 'start()': readyMs },
          calls: stop(),
          cleanup: () => c.stop(),
        };
      },
    },
    ...(ctx.berthPostgres && {
      module: {
        label: 'berth module',
        async run() {
          const stop = traceCalls();
          const began = performance.now();
          const db = await ctx.berthPostgres.startPostgres({ spec: { labels: benchLabels } });
          const readyMs = performance.now() - began;
          const calls = stop();
          await selectOne(pg, db.details.url);
          // The last engine answer before startPostgres() resolved marks the end of the container
          // start; what follows it is the module's own work (template database, pool).
          const lastEngine = Math.max(...calls.filter((c) => c.ms !== null).map((c) => c.atMs + c.ms));
          return {
            ms: performance.now() - began,
            doneAt: Date.now(),
            id: db.container.id,
            parts: { 'start()': readyMs, 'after the container was ready': readyMs - lastEngine },
            calls,
            cleanup: () => db.stop(),
          };
        },
      },
    }),
    ...(ctx.peer && {
      peerModule: {
        label: 'testcontainers PostgreSqlContainer',
        async run() {
          const r = await ctx.peer.call('postgresModule');
          return { ...r, cleanup: () => ctx.peer.call('remove', { key: r.key }) };
        },
      },
      peerGeneric: {
        label: 'testcontainers generic',
        async run() {
          const r = await ctx.peer.call('postgresGeneric');
          return { ...r, cleanup: () => ctx.peer.call('remove', { key: r.key }) };
        },
      },
    }),
  };
  for (let i = 0; i < ctx.n.postgres; i++) {
    for (const key of rotation(Object.keys(subjects), i)) {
      let r;
      try {
        r = await subjects[key].run();
        addSample(entry, key, subjects[key].label, i, r.ms);
        addSample(notice, key, subjects[key].label, i, r.doneAt - (await lastLineAt(r.id, PG_READY)));
        for (const [part, ms] of Object.entries(r.parts ?? {})) addBreakdown(entry, key, part, i, ms);
        if (r.calls) entry.calls[key] = r.calls;
      } catch (error) {
        entry.errors.push(`${key} #${i}: ${error.message}`);
      } finally {
        await r?.cleanup().catch(() => undefined);
      }
    }
    ctx.progress(`postgres ${i + 1}/${ctx.n.postgres}`);
  }
  compare(entry, 'generic', 'cli', { kind: 'ratio', limit: 1.05 });
  compare(entry, 'module', 'cli', { kind: 'ratio', limit: 1.05 });
  compare(entry, 'module', 'peerModule');
  compare(entry, 'generic', 'peerGeneric');
  compare(notice, 'generic', 'cli');
  // Issue #17 item 5: with no setup hook the module resolves at the ready line and makes its
  // template in the background, so it is within 20 ms of the generic spec.
  compare(notice, 'module', 'generic', { kind: 'delta', limitMs: 20 });
  compare(notice, 'module', 'cli');
  compare(notice, 'module', 'peerModule');
  compare(notice, 'generic', 'peerGeneric');
  return [finalise(entry), finalise(notice)];
}
