/**
 * Issue #27, "a run ends when its tests end": the 4 × 5 vitest suite of the `suite` case
 * (test/e2e/fixtures/vitest-suites/bench-fresh, postgres with a 20-table template), timed from the
 * end of its last test to the exit of the vitest process, beside the engine's own `rm -f` of a
 * running postgres (DELETE ?force, the floor of any teardown that removes it). Also: how long after
 * the exit the engine still holds something of the run (what the reaper's pass removes).
 * Target: last test → exit within 300 ms plus the engine's remove time.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { followUntil, removeContainer, runContainer } from '../lib/engine-api.mjs';
import { addSample, compare, finalise, newCase } from '../lib/results.mjs';
import { PG_ENV, PG_READY } from '../lib/select-one.mjs';

const run = promisify(execFile);
const SUITES = fileURLToPath(new URL('../../test/e2e/fixtures/vitest-suites/', import.meta.url));
const VITEST = join(SUITES, 'node_modules/vitest/vitest.mjs');
const now = () => performance.timeOrigin + performance.now();

/** Everything on the engine labelled with the run's owner pid (containers, networks, volumes). */
async function leftovers(pid) {
  const filter = `label=dev.berth.owner.pid=${pid}`;
  const list = async (args) => (await run('docker', [...args, '--filter', filter, '-q'])).stdout.split('\n').filter(Boolean);
  const all = await Promise.all([list(['ps', '-a']), list(['network', 'ls']), list(['volume', 'ls'])]);
  return all.flat().length;
}

async function suiteRun() {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-teardown-'));
  const samplesFile = join(dir, 'samples.jsonl');
  try {
    const child = spawn(process.execPath, [VITEST, 'run'], {
      cwd: join(SUITES, 'bench-fresh'),
      env: { ...process.env, CI: 'true', BERTH_BENCH_SAMPLES: samplesFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      out += c;
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    const exitedAt = now();
    if (code !== 0) throw new Error(`the suite exited with ${code}:\n${out.slice(-2000)}`);
    const lastTest = Math.max(
      ...readFileSync(samplesFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line).endedAt),
    );
    // Nothing of the run shortly after: polled (the reaper's pass runs after the exit).
    let goneMs = Number.NaN;
    for (let waited = 0; waited < 30_000; waited = now() - exitedAt) {
      if ((await leftovers(child.pid)) === 0) {
        goneMs = now() - exitedAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { exitMs: exitedAt - lastTest, goneMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function rawRemove() {
  // Its data directory on a tmpfs, as the suite's postgres has it (tuneForTests).
  const id = await runContainer({
    image: 'postgres:15',
    env: Object.entries(PG_ENV).map(([k, v]) => `${k}=${v}`),
    tmpfs: { '/var/lib/postgresql/data': '' },
  });
  try {
    await followUntil(id, PG_READY, 2);
    const began = performance.now();
    await removeContainer(id);
    return performance.now() - began;
  } catch (error) {
    await removeContainer(id).catch(() => undefined);
    throw error;
  }
}

export async function teardown(ctx) {
  const entry = newCase({
    id: 'teardown',
    suite: 'Run lifecycle (#27)',
    title: 'last test → runner exit, 4 × 5 vitest suite on postgres',
    what: 'berth: from the end of the last test to the exit of the vitest process; raw: DELETE ?force of a running postgres (the engine’s remove time)',
  });
  const iterations = ctx.quick ? 1 : 3;
  const gone = [];
  for (let i = 0; i < iterations; i++) {
    try {
      const { exitMs, goneMs } = await suiteRun();
      addSample(entry, 'berth', 'berth: last test → exit', i, exitMs);
      gone.push(goneMs);
    } catch (error) {
      entry.errors.push(`berth #${i}: ${error.message.split('\n')[0]}`);
    }
    try {
      addSample(entry, 'raw', 'raw engine: rm -f postgres', i, await rawRemove());
    } catch (error) {
      entry.errors.push(`raw #${i}: ${error.message.split('\n')[0]}`);
    }
    ctx.progress(`teardown ${i + 1}/${iterations}`);
  }
  entry.notes.push(
    `nothing of the run left on the engine ${gone.map((ms) => (Number.isNaN(ms) ? 'never (30 s)' : `${Math.round(ms)} ms`)).join(', ')} after the exit`,
  );
  // Target: at most 300 ms more than the engine's own remove.
  compare(entry, 'berth', 'raw', { kind: 'delta', limitMs: 300 });
  return [finalise(entry)];
}
