/**
 * Issue "See and debug a run", `berth up`: the CLI on services it already keeps (the second and
 * later `berth up` of a day) → every service's URL printed. One priming `berth up` creates the
 * containers; each sample is then a new `berth up` process, timed from spawn until its stdout holds
 * a URL line for every service and the export lines (what a developer waits for), and until the
 * process has exited (its session ended). `berth --help` in the same run is the floor: a node
 * process that loads the CLI and prints. `berth down` removes everything at the end.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { addSample, compare, finalise, newCase } from '../lib/results.mjs';
import { rotation } from '../lib/stats.mjs';

const CLI = fileURLToPath(new URL('../../packages/core/dist/cli.js', import.meta.url));
const PROJECT = fileURLToPath(new URL('../up/', import.meta.url));
const SERVICES = 2;

function berth(args, { runId }) {
  const env = { ...process.env, BENCH_RUN_ID: runId };
  // A process of its own: no inherited session, no reuse setting of the caller's.
  for (const key of ['BERTH_SESSION_ID', 'BERTH_SESSION_OWNER_PID', 'BERTH_SESSION_OWNER_START', 'BERTH_REUSE', 'DEBUG']) delete env[key];
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd: PROJECT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let printedMs;
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const urls = out.split('\n').filter((line) => /^# \S+ +\S+:\/\/|^# \S+ +\S+:\d+$/.test(line)).length;
      if (printedMs === undefined && urls >= SERVICES && out.includes('\nexport ')) printedMs = performance.now() - began;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`berth ${args.join(' ')} exited ${code}: ${err.slice(-400)}`));
      resolve({ printedMs, exitMs: performance.now() - began, out, err });
    });
  });
}

export async function upOnReused(ctx) {
  const entry = newCase({
    id: 'up',
    suite: 'See and debug a run',
    title: '`berth up` on services it already keeps → all URLs printed',
    what: 'a new `berth up` process, from spawn until every service URL and the export lines are on its stdout (and until it exits)',
  });
  const n = ctx.quick ? 3 : 10;
  try {
    const primed = await berth(['up'], ctx);
    entry.notes.push(`priming up (creates postgres + redis, runs the schema): ${Math.round(primed.exitMs)} ms`);
    const subjects = {
      printed: { label: 'berth up, reused: URLs printed', run: async () => berth(['up'], ctx) },
      help: { label: 'berth --help (node + CLI load)', run: async () => berth(['--help'], ctx) },
    };
    for (let i = 0; i < n; i++) {
      for (const key of rotation(Object.keys(subjects), i)) {
        const r = await subjects[key].run();
        if (key === 'printed') {
          if (!/reused db/.test(r.err)) entry.errors.push(`#${i}: db was not reused: ${r.err.split('\n')[0]}`);
          addSample(entry, 'printed', subjects.printed.label, i, r.printedMs ?? Number.NaN);
          addSample(entry, 'exit', 'berth up, reused: process exited', i, r.exitMs);
        } else addSample(entry, 'help', subjects.help.label, i, r.exitMs);
      }
      ctx.progress(`up ${i + 1}/${n}`);
    }
  } catch (error) {
    entry.errors.push(error.message);
  } finally {
    await berth(['down'], ctx).catch((error) => entry.errors.push(`down: ${error.message}`));
  }
  compare(entry, 'printed', undefined, { kind: 'value', limitMs: 300 });
  // Above the floor: what berth itself adds (config load, session, attach, markers).
  compare(entry, 'printed', 'help');
  return [finalise(entry)];
}
