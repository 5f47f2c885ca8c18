#!/usr/bin/env node
// bench/reaper.mjs — does the reaper leave anything behind, and how fast does it clean up?
//
// For each way an owner can die (SIGKILL, SIGINT, SIGTERM, uncaught exception) it runs CYCLES
// owners (test/support/session-child.mjs: a session with a busybox container, a network and a named
// volume), kills them, and waits up to 15 s for their session to be empty. It prints the leaks
// (resources still there after 15 s; expected 0) and, for SIGKILL, the time from the kill to the
// last resource gone (median, max), measured by polling the engine every 25 ms.
//
// Uses the built package (packages/core/dist, or BERTH_CORE_DIST). Options:
//   --cycles=N   cycles per kind (default 20)      --jobs=N   owners at once (default 4)
//   --json       print the summary as JSON
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { core } from '../test/support/session-core.mjs';

const child = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/support/session-child.mjs');
const opt = (name, dflt) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const CYCLES = opt('cycles', 20);
const JOBS = opt('jobs', 4);
const LEAK_WAIT_MS = 15_000;
const engine = await core.getEngine();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function leftovers(session) {
  const label = { 'dev.berth.session': session };
  const [c, n, v] = await Promise.all([engine.listContainers(label), engine.listNetworks(label), engine.listVolumes(label)]);
  return [...c.map((x) => `container ${x.Id.slice(0, 12)}`), ...n.map((x) => `network ${x.Name}`), ...v.map((x) => `volume ${x.Name}`)];
}

function owner(mode) {
  const env = { ...process.env };
  delete env.BERTH_SESSION_ID;
  delete env.BERTH_SESSION_OWNER_PID;
  delete env.BERTH_SESSION_OWNER_START;
  const proc = spawn(process.execPath, [child, mode], { stdio: ['pipe', 'pipe', 'pipe'], env });
  let text = '';
  proc.stdout.on('data', (d) => (text += d));
  proc.stderr.on('data', (d) => (text += d));
  const exited = new Promise((resolve) => proc.on('exit', () => resolve(Date.now())));
  const ready = new Promise((resolve, reject) => {
    proc.stdout.on('data', () => {
      const line = text.split('\n').find((l) => l.startsWith('ready '));
      if (line) resolve(JSON.parse(line.slice(6)));
    });
    proc.on('exit', (code) => reject(new Error(`owner exited (${code}) before ready:\n${text}`)));
  });
  return { proc, ready, exited };
}

async function cycle(kind) {
  const o = owner(kind === 'uncaught' ? 'throw' : 'wait');
  const info = await o.ready;
  const before = (await leftovers(info.session)).length;
  const killedAt = Date.now();
  if (kind === 'uncaught') o.proc.stdin.end('go\n');
  else o.proc.kill(kind);
  const exitedAt = await o.exited;
  let left = await leftovers(info.session);
  while (left.length > 0 && Date.now() - killedAt < LEAK_WAIT_MS) {
    await sleep(25);
    left = await leftovers(info.session);
  }
  const goneAt = Date.now();
  return {
    kind,
    session: info.session,
    before,
    leaked: left,
    ms: left.length === 0 ? goneAt - killedAt : undefined,
    exitMs: exitedAt - killedAt,
  };
}

async function pool(items, jobs, fn) {
  const results = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]);
      }
    }),
  );
  return results;
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
const summary = {};
const started = Date.now();
for (const kind of ['SIGKILL', 'SIGINT', 'SIGTERM', 'uncaught']) {
  const results = await pool(Array(CYCLES).fill(kind), JOBS, cycle);
  const times = results
    .map((r) => r.ms)
    .filter((ms) => ms !== undefined)
    .sort((a, b) => a - b);
  summary[kind] = {
    cycles: results.length,
    resourcesPerCycle: Math.min(...results.map((r) => r.before)),
    leaks: results.reduce((n, r) => n + r.leaked.length, 0),
    leaked: results.flatMap((r) => r.leaked.map((x) => `${r.session}: ${x}`)),
    goneMs: { median: pct(times, 0.5), max: times.at(-1) },
  };
  if (!process.argv.includes('--json')) {
    const s = summary[kind];
    console.log(
      `${kind.padEnd(8)} cycles ${s.cycles}  resources/cycle ${s.resourcesPerCycle}  leaks ${s.leaks}  ` +
        `kill→last resource gone: median ${s.goneMs.median} ms, max ${s.goneMs.max} ms`,
    );
    for (const l of s.leaked) console.log(`  leaked ${l}`);
  }
}
if (process.argv.includes('--json')) console.log(JSON.stringify({ cycles: CYCLES, jobs: JOBS, summary }, null, 2));
else console.log(`(${CYCLES} cycles per kind, ${JOBS} at once, ${Math.round((Date.now() - started) / 1000)} s in all)`);
