/**
 * Issue "Core": what a start costs on top of the engine's own create + start.
 *
 * - warm start: one process, discovery and session already done; raw API vs berth vs the peer.
 *   Also reported without the engine's create and start calls ("time outside"), which is what a
 *   client adds and is far steadier than the totals on a busy machine.
 * - remove: the same containers removed right after (raw DELETE ?force vs stop()).
 * - fresh process: node spawn → import → first container running, each subject in a new process.
 * - 6 in parallel: six starts issued at once, until all six run; then all six removed.
 */
import { fileURLToPath } from 'node:url';
import { benchLabels, removeContainer, runContainer } from '../lib/engine-api.mjs';
import { runFresh } from '../lib/fresh.mjs';
import { PEER_DIR, PEER_NODE, peerEnv } from '../lib/peer.mjs';
import { addBreakdown, addSample, callTime, compare, finalise, newCase } from '../lib/results.mjs';
import { rotation } from '../lib/stats.mjs';
import { traceCalls } from '../lib/trace.mjs';

const BUSYBOX = { image: 'busybox:latest', command: ['sleep', '3600'], labels: benchLabels };
const RAW = { image: 'busybox:latest', cmd: ['sleep', '3600'] };
const FRESH_DIR = fileURLToPath(new URL('../fresh/', import.meta.url));
const CREATE_START = /^POST \/containers\/(create|:id\/start)$/;

async function timed(fn) {
  const stop = traceCalls();
  const began = performance.now();
  const value = await fn();
  return { ms: performance.now() - began, calls: stop(), value };
}

export async function warmStartAndRemove(ctx) {
  const { start } = ctx.berth;
  const warm = newCase({
    id: 'warm-start',
    suite: 'Core',
    title: 'warm start, busybox',
    what: 'create + start until running, in a process that has already started one container',
  });
  const outside = newCase({
    id: 'warm-outside',
    suite: 'Core',
    title: 'warm start, time outside create + start',
    what: "the same starts less the engine's answer time for create and start: what the client adds",
  });
  const remove = newCase({
    id: 'remove',
    suite: 'Core',
    title: 'remove, busybox',
    what: 'from the remove call until the engine has removed it',
  });

  // Warm-up: discovery, session, reaper for berth; runtime detection for the peer; sockets for raw.
  await (await start(BUSYBOX)).stop();
  await removeContainer(await runContainer(RAW));
  if (ctx.peer) await ctx.peer.call('remove', await ctx.peer.call('start'));

  const subjects = {
    raw: {
      label: 'raw API',
      async start() {
        const r = await timed(() => runContainer(RAW));
        return { ...r, remove: () => timed(() => removeContainer(r.value)) };
      },
    },
    berth: {
      label: 'berth',
      async start() {
        const r = await timed(() => start(BUSYBOX));
        return { ...r, remove: () => timed(() => r.value.stop()) };
      },
    },
    ...(ctx.peer && {
      peer: {
        label: 'testcontainers',
        async start() {
          const r = await ctx.peer.call('start');
          return { ...r, remove: () => ctx.peer.call('remove', { key: r.key }) };
        },
      },
    }),
  };

  for (let i = 0; i < ctx.n.warm; i++) {
    for (const key of rotation(Object.keys(subjects), i)) {
      const subject = subjects[key];
      try {
        const started = await subject.start();
        addSample(warm, key, subject.label, i, started.ms);
        addSample(outside, key, subject.label, i, started.ms - callTime(started.calls, CREATE_START));
        warm.calls[key] = started.calls;
        const removed = await started.remove();
        addSample(remove, key, subject.label, i, removed.ms);
        remove.calls[key] = removed.calls;
      } catch (error) {
        warm.errors.push(`${key} #${i}: ${error.message}`);
      }
    }
    ctx.progress(`warm start ${i + 1}/${ctx.n.warm}`);
  }
  compare(warm, 'berth', 'raw', { kind: 'delta', limitMs: 40 });
  compare(warm, 'berth', 'peer');
  compare(outside, 'berth', 'raw', { kind: 'delta', limitMs: 20 });
  compare(outside, 'berth', 'peer');
  compare(remove, 'berth', 'raw');
  compare(remove, 'berth', 'peer');
  return [finalise(warm), finalise(outside), finalise(remove)];
}

export async function freshProcess(ctx) {
  const entry = newCase({
    id: 'fresh-process',
    suite: 'Core',
    title: 'fresh process to running, busybox',
    what: 'from spawning node until the child reports a running container (boot + import + first start)',
  });
  const outside = newCase({
    id: 'fresh-outside',
    suite: 'Core',
    title: 'fresh process, time outside create + start',
    what: "the same runs less the child's create and start calls: boot, import, discovery, session, calls around the start",
  });
  const env = { ...process.env, BENCH_RUN_ID: ctx.runId };
  const subjects = {
    raw: { label: 'raw API', run: () => runFresh(process.execPath, `${FRESH_DIR}raw-start.mjs`, { cwd: FRESH_DIR, env }) },
    berth: { label: 'berth', run: () => runFresh(process.execPath, `${FRESH_DIR}berth-start.mjs`, { cwd: FRESH_DIR, env }) },
    ...(ctx.peer && {
      peer: {
        label: 'testcontainers',
        run: () => runFresh(PEER_NODE, `${PEER_DIR}fresh-start.mjs`, { cwd: PEER_DIR, env: peerEnv({ BENCH_RUN_ID: ctx.runId }) }),
      },
    }),
    // Same Node as the peer, so a berth/peer gap can be told apart from a Node 20/22 gap.
    ...(ctx.peer &&
      !ctx.quick && {
        berth22: {
          label: 'berth on Node 22',
          run: () => runFresh(PEER_NODE, `${FRESH_DIR}berth-start.mjs`, { cwd: FRESH_DIR, env }),
        },
      }),
  };
  for (let i = 0; i < ctx.n.fresh; i++) {
    for (const key of rotation(Object.keys(subjects), i)) {
      try {
        const r = await subjects[key].run();
        addSample(entry, key, subjects[key].label, i, r.toRunningMs);
        addSample(outside, key, subjects[key].label, i, r.toRunningMs - callTime(r.calls, CREATE_START));
        addBreakdown(entry, key, 'boot + import', i, r.importedMs);
        addBreakdown(entry, key, 'first start', i, r.startMs);
        entry.calls[key] = r.calls;
      } catch (error) {
        entry.errors.push(`${key} #${i}: ${error.message}`);
      }
    }
    ctx.progress(`fresh process ${i + 1}/${ctx.n.fresh}`);
  }
  compare(entry, 'berth', 'raw', { kind: 'delta', limitMs: 100 });
  compare(entry, 'berth', 'peer');
  compare(entry, 'berth22', 'peer');
  compare(outside, 'berth', 'raw', { kind: 'delta', limitMs: 100 });
  compare(outside, 'berth', 'peer');
  return [finalise(entry), finalise(outside)];
}

export async function parallelSix(ctx) {
  const { start } = ctx.berth;
  const COUNT = 6;
  const up = newCase({
    id: 'parallel-start',
    suite: 'Core',
    title: `${COUNT} in parallel, busybox`,
    what: `${COUNT} starts issued at once, until all ${COUNT} run (warm process)`,
  });
  const down = newCase({
    id: 'parallel-remove',
    suite: 'Core',
    title: `remove ${COUNT} in parallel`,
    what: `${COUNT} removes issued at once`,
  });
  const many = (fn) => Promise.all(Array.from({ length: COUNT }, fn));
  const subjects = {
    raw: {
      label: 'raw API',
      async run() {
        const r = await timed(() => many(() => runContainer(RAW)));
        return [r, await timed(() => Promise.all(r.value.map(removeContainer)))];
      },
    },
    berth: {
      label: 'berth',
      async run() {
        const r = await timed(() => many(() => start(BUSYBOX)));
        return [r, await timed(() => Promise.all(r.value.map((c) => c.stop())))];
      },
    },
    ...(ctx.peer && {
      peer: {
        label: 'testcontainers',
        async run() {
          const r = await ctx.peer.call('parallel', { count: COUNT });
          return [r, await ctx.peer.call('removeMany', { keys: r.keys })];
        },
      },
    }),
  };
  for (let i = 0; i < ctx.n.parallel; i++) {
    for (const key of rotation(Object.keys(subjects), i)) {
      try {
        const [started, removed] = await subjects[key].run();
        addSample(up, key, subjects[key].label, i, started.ms);
        addSample(down, key, subjects[key].label, i, removed.ms);
        up.calls[key] = started.calls;
        down.calls[key] = removed.calls;
      } catch (error) {
        up.errors.push(`${key} #${i}: ${error.message}`);
      }
    }
    ctx.progress(`parallel ${i + 1}/${ctx.n.parallel}`);
  }
  compare(up, 'berth', 'raw');
  compare(up, 'berth', 'peer');
  compare(down, 'berth', 'raw');
  compare(down, 'berth', 'peer');
  return [finalise(up), finalise(down)];
}
