/**
 * Issue "One run lifecycle" (#14), benchmark: a real vitest suite — 4 files × 5 tests on 2 workers,
 * every test taking a fresh postgres database cloned from a 20-table template
 * (test/e2e/fixtures/vitest-suites/bench-fresh) — beside testcontainers' documented patterns for the
 * same 20 tests (bench/peer/suite-patterns.mjs on the peer's Node 22):
 *
 *   - per-test cost as the test sees it: berth = acquire (freshDatabase) + give-back (the gap to the
 *     next test of the file, which holds the onTestFinished hook); the peers = restoreSnapshot() or
 *     TRUNCATE of the 20 tables before each test;
 *   - wall time of the whole suite process, container start included, against the faster peer.
 *
 * Targets: per-test median ≤ 30 ms; wall ≤ 0.5× the faster peer pattern.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PEER_DIR, PEER_NODE, peerEnv } from '../lib/peer.mjs';
import { addSample, compare, finalise, newCase } from '../lib/results.mjs';
import { fmtMs, quantile } from '../lib/stats.mjs';

const SUITES = fileURLToPath(new URL('../../test/e2e/fixtures/vitest-suites/', import.meta.url));
const VITEST = join(SUITES, 'node_modules/vitest/vitest.mjs');

function runProcess(command, args, options) {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - began;
      if (code === 0) resolve({ ms, out });
      else reject(new Error(`${args.join(' ')} exited with ${code}:\n${out.slice(-3000)}`));
    });
  });
}

/** One berth suite run: its wall time and, per test, acquire + give-back (`env` adds to the run's environment). */
export async function berthSuite(env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-suite-'));
  const samplesFile = join(dir, 'samples.jsonl');
  try {
    const { ms } = await runProcess(process.execPath, [VITEST, 'run'], {
      cwd: join(SUITES, 'bench-fresh'),
      env: { ...process.env, CI: 'true', BERTH_BENCH_SAMPLES: samplesFile, ...env },
    });
    const samples = readFileSync(samplesFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    const acquire = [];
    const giveBack = [];
    const perTest = [];
    for (const file of new Set(samples.map((s) => s.file))) {
      const tests = samples.filter((s) => s.file === file).sort((a, b) => a.test - b.test);
      tests.forEach((t, i) => {
        acquire.push(t.acquireMs);
        const next = tests[i + 1];
        // The last test of a file has no next test to show its give-back: it counts its acquire only.
        const back = next ? next.startedAt - t.endedAt : Number.NaN;
        if (next) giveBack.push(back);
        perTest.push(t.acquireMs + (next ? back : 0));
      });
    }
    return { wallMs: ms, acquire, giveBack, perTest, tests: samples.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function peerPattern(pattern, runId) {
  const { ms, out } = await runProcess(PEER_NODE, ['suite-patterns.mjs', pattern], {
    cwd: PEER_DIR,
    env: peerEnv({ BENCH_RUN_ID: runId }),
  });
  const line = out.split('\n').find((l) => l.startsWith('{"pattern"'));
  if (!line) throw new Error(`suite-patterns.mjs ${pattern} printed no result:\n${out.slice(-2000)}`);
  return { wallMs: ms, perTest: JSON.parse(line).perTestMs };
}

const p90 = (samples) => quantile(samples, 0.9);

export async function suiteFreshDatabases(ctx) {
  const perTestCase = newCase({
    id: 'suite-per-test',
    suite: 'Run lifecycle (#14)',
    title: 'fresh database per test inside a vitest suite: cost the test sees',
    what: '4 files × 5 tests, 2 workers, 20-table template; berth = freshDatabase() + give-back gap; peers = restoreSnapshot() / TRUNCATE before each test',
  });
  const wallCase = newCase({
    id: 'suite-wall',
    suite: 'Run lifecycle (#14)',
    title: 'that suite, wall time (container start included)',
    what: 'berth: vitest with 2 workers; peers: the same 20 tests as a plain script, one worker (snapshot) or two (truncate)',
  });
  const iterations = ctx.quick ? 1 : 3;
  let perTestIndex = 0;
  for (let i = 0; i < iterations; i++) {
    ctx.progress(`suite: berth run ${i + 1}/${iterations}`);
    try {
      const run = await berthSuite();
      addSample(wallCase, 'berth', 'berth (vitest, 2 workers)', i, run.wallMs);
      for (const ms of run.perTest) addSample(perTestCase, 'berth', 'berth acquire + give-back', perTestIndex++, ms);
      perTestCase.notes.push(
        `berth run ${i + 1}: acquire median ${fmtMs(quantile(run.acquire, 0.5))} / p90 ${fmtMs(p90(run.acquire))}, give-back gap median ${fmtMs(quantile(run.giveBack, 0.5))} / p90 ${fmtMs(p90(run.giveBack))}, per test median ${fmtMs(quantile(run.perTest, 0.5))} / p90 ${fmtMs(p90(run.perTest))} (${run.tests} tests)`,
      );
    } catch (error) {
      perTestCase.errors.push(error.message.split('\n')[0]);
    }
    if (!ctx.peer) continue;
    for (const [pattern, label] of [
      ['snapshot', 'testcontainers: one container, restoreSnapshot() per test (1 worker)'],
      ['truncate', 'testcontainers: container per file, TRUNCATE per test (2 workers)'],
    ]) {
      ctx.progress(`suite: peer ${pattern} run ${i + 1}/${iterations}`);
      try {
        const run = await peerPattern(pattern, ctx.runId);
        addSample(wallCase, pattern, label, i, run.wallMs);
        for (const [k, ms] of run.perTest.entries()) addSample(perTestCase, pattern, label, i * 20 + k, ms);
        perTestCase.notes.push(
          `${pattern} run ${i + 1}: per test median ${fmtMs(quantile(run.perTest, 0.5))} / p90 ${fmtMs(p90(run.perTest))}`,
        );
      } catch (error) {
        wallCase.errors.push(`${pattern}: ${error.message.split('\n')[0]}`);
      }
    }
  }
  compare(perTestCase, 'berth', undefined, { kind: 'value', limitMs: 30 });
  const medianOf = (key) => quantile(wallCase.subjects[key]?.samples ?? [], 0.5);
  const faster = ['snapshot', 'truncate'].filter((key) => wallCase.subjects[key]).sort((a, b) => medianOf(a) - medianOf(b))[0];
  if (faster) compare(wallCase, 'berth', faster, { kind: 'ratio', limit: 0.5 });
  return [finalise(perTestCase), finalise(wallCase)];
}
