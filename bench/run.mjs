#!/usr/bin/env node
/**
 * `pnpm bench [--quick] [--only id,id] [--no-peer] [--no-footprint] [--update-docs]`
 *
 * Measures berth against the engine's raw API and against testcontainers, all in one run on one
 * engine, prints a markdown report and writes bench/results/latest.{md,json}. docs/benchmarks.md
 * explains each case. Exits non-zero only when the bench itself breaks, never on a missed target:
 * timings on shared machines are for reading, not for gating.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { brokerStarts, vhostHandout } from './cases/brokers.mjs';
import { composeUp } from './cases/compose.mjs';
import { contention } from './cases/contention.mjs';
import { freshProcess, parallelSix, warmStartAndRemove } from './cases/core.mjs';
import { footprint } from './cases/footprint.mjs';
import { importCost } from './cases/imports.mjs';
import { mysqlFreshDatabase } from './cases/mysql.mjs';
import { postgresVersionsFreshDatabase } from './cases/postgres-versions.mjs';
import { logLatency, postgresReadyToQuery } from './cases/readiness.mjs';
import { imageCache, reuseLoop } from './cases/reuse.mjs';
import { runnerCases } from './cases/runners.mjs';
import { suiteFreshDatabases } from './cases/suite.mjs';
import { teardown } from './cases/teardown.mjs';
import { tracingCost } from './cases/tracing.mjs';
import { upOnReused } from './cases/up.mjs';
import { BENCH_LABEL, closeAgent, listContainers, removeContainer } from './lib/engine-api.mjs';
import { loadAverage, machineFacts } from './lib/machine.mjs';
import { peerAvailable, startPeerWorker } from './lib/peer.mjs';
import { renderMarkdown } from './lib/report.mjs';
import { updateReadme } from './readme.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-peer': { type: 'boolean', default: false },
    'no-footprint': { type: 'boolean', default: false },
    'update-docs': { type: 'boolean', default: false },
  },
});

const ITERATIONS = {
  full: { warm: 15, fresh: 8, imports: 8, parallel: 5, logLatency: 8, postgres: 5 },
  quick: { warm: 3, fresh: 2, imports: 2, parallel: 1, logLatency: 2, postgres: 1 },
};

const runId = `${Date.now().toString(36)}-${process.pid}`;
process.env.BENCH_RUN_ID = runId;
const began = performance.now();
const progress = (text) => process.stderr.write(`[bench ${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${text}\n`);

/** Removes whatever this run's subjects left behind (by the run's label only). */
async function sweep() {
  const left = await listContainers(`${BENCH_LABEL}=${runId}`).catch(() => []);
  await Promise.allSettled(left.map((c) => removeContainer(c.Id)));
  return left.length;
}

async function main() {
  if (!existsSync(`${ROOT}packages/core/dist/index.js`)) {
    progress('building @berth/core (no dist/ yet)');
    execFileSync('pnpm', ['--filter', '@berth/core', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
  const berth = await import('@berth/core');
  const berthPostgres = await import('@berth/core/postgres').catch(() => undefined);

  let peer;
  let peerVersions;
  let peerSkipped;
  if (args['no-peer']) peerSkipped = 'left out with --no-peer.';
  else if (!peerAvailable()) peerSkipped = 'bench/peer is not installed (run `pnpm install` at the root).';
  else {
    peer = startPeerWorker();
    peerVersions = await peer.call('versions');
  }

  const mode = args.quick ? 'quick' : 'full';
  const ctx = { berth, berthPostgres, peer, peerVersions, runId, quick: args.quick, n: ITERATIONS[mode], progress };
  const machine = await machineFacts({ root: ROOT, peerVersions });
  progress(`${mode} run ${runId}: load average ${machine.loadAverageAtStart.join(' / ')}`);

  const wanted = args.only ? new Set(args.only.split(',')) : undefined;
  const steps = [
    ['warm', warmStartAndRemove],
    ['fresh', freshProcess],
    ['import', importCost],
    ['parallel', parallelSix],
    ['log', logLatency],
    ['postgres', postgresReadyToQuery],
    ['brokers', async (c) => [...(await vhostHandout(c)), ...(await brokerStarts(c))]],
    ['compose', composeUp],
    ['mysql', mysqlFreshDatabase],
    ['pg-versions', postgresVersionsFreshDatabase],
    ['reuse', reuseLoop],
    ['cache', imageCache],
    ['up', upOnReused],
    ['suite', suiteFreshDatabases],
    ['trace', tracingCost],
    ['runners', runnerCases],
    ['teardown', teardown],
    ['contention', contention],
  ];
  const cases = [];
  let footprintResult;
  try {
    for (const [id, step] of steps) {
      if (wanted && !wanted.has(id)) continue;
      progress(`case ${id}`);
      cases.push(...(await step(ctx)));
    }
    if (!args['no-footprint'] && (!wanted || wanted.has('footprint'))) {
      progress('case footprint');
      footprintResult = await footprint(ctx).catch((error) => ({ error: error.message.split('\n')[0] }));
    }
  } finally {
    await peer?.close().catch(() => undefined);
    await berth.endSession().catch(() => undefined);
    const left = await sweep();
    if (left > 0) progress(`removed ${left} container(s) a subject left behind`);
    closeAgent();
  }

  const run = {
    mode: args.only ? `${mode}, only ${args.only}` : mode,
    runId,
    finishedAt: new Date().toISOString(),
    durationSeconds: Math.round((performance.now() - began) / 1000),
    machine,
    loadAverageAtEnd: loadAverage(),
    ...(peerSkipped ? { peerSkipped } : {}),
    cases,
    ...(footprintResult ? { footprint: footprintResult } : {}),
  };
  const markdown = renderMarkdown(run);
  mkdirSync(RESULTS, { recursive: true });
  // latest.* is always the most recent run; <mode>.* keeps the last complete run of each mode, so
  // a quick or partial run does not hide the numbers of the last full one.
  for (const base of args.only ? ['latest'] : ['latest', mode]) {
    writeFileSync(`${RESULTS}${base}.md`, `${markdown}\n`);
    writeFileSync(`${RESULTS}${base}.json`, `${JSON.stringify(run, null, 2)}\n`);
  }
  if (args['update-docs']) {
    updateDocs(markdown);
    // The README's table comes from complete full runs only; the table it replaces moves to the
    // history in docs/benchmarks.md.
    if (mode === 'full' && !args.only) progress(updateReadme(run, 'bench/results/full.json'));
  }
  process.stdout.write(`${markdown}\n`);
  progress(`done in ${run.durationSeconds} s; wrote bench/results/latest.{md,json} and ${mode}.{md,json}`);
}

/** Replaces the results section of docs/benchmarks.md (between its two markers) with this run's report. */
function updateDocs(markdown) {
  const path = `${ROOT}docs/benchmarks.md`;
  const doc = readFileSync(path, 'utf8');
  const begin = '<!-- bench:results:begin -->';
  const end = '<!-- bench:results:end -->';
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${path} has no ${begin} … ${end} section`);
  // One heading level down: the report's title becomes a subsection of the doc.
  const body = markdown.replace(/^(#+) /gm, '#$1 ');
  writeFileSync(path, `${doc.slice(0, from + begin.length)}\n\n${body}\n${doc.slice(to)}`);
  progress('updated the results section of docs/benchmarks.md');
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    progress(`${signal}: removing this run's containers`);
    sweep().finally(() => process.exit(130));
  });
}

main().catch(async (error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
  await sweep().catch(() => undefined);
  process.exit(1);
});
