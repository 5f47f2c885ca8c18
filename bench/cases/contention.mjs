/**
 * Issue #27, "the library under contention": six postgres (tuneForTests) and two redis started at
 * once while a busy loop per core keeps the machine loaded, with berth's default timeouts, until
 * each postgres answers SELECT 1; beside testcontainers' PostgreSqlContainer × 6 started the same
 * way under the same hog, in the same run. A start that fails counts in `errors` (the point of the
 * case is that none does); the wall time is for reading. The engine test
 * test/engine/contention.test.ts asserts the same starts succeed.
 */
import { spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchLabels } from '../lib/engine-api.mjs';
import { addSample, compare, finalise, newCase } from '../lib/results.mjs';
import { selectOne } from '../lib/select-one.mjs';
import { rotation } from '../lib/stats.mjs';

const POSTGRES = 6;
const REDIS = 2;
const HOG = fileURLToPath(new URL('../../scripts/cpu-hog.mjs', import.meta.url));

async function startHog() {
  const child = spawn(process.execPath, [HOG], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', resolve);
  });
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
}

export async function contention(ctx) {
  const entry = newCase({
    id: 'contention',
    suite: 'Load',
    title: `${POSTGRES} postgres + ${REDIS} redis at once under a CPU hog`,
    what: `${POSTGRES} postgres (tuneForTests) and ${REDIS} redis issued at once with default timeouts while ${availableParallelism()} busy loops run, until every postgres answers SELECT 1; testcontainers: PostgreSqlContainer × ${POSTGRES}`,
  });
  if (!ctx.berthPostgres) {
    entry.errors.push('@berth/core/postgres did not load');
    return [finalise(entry)];
  }
  const { startPostgres } = ctx.berthPostgres;
  const { startRedis } = await import('@berth/core/redis');
  const pg = (await import('pg')).default;
  const labels = { spec: { labels: benchLabels } };

  const subjects = {
    berth: {
      label: 'berth',
      async run() {
        const began = performance.now();
        const results = await Promise.allSettled([
          ...Array.from({ length: POSTGRES }, async () => {
            const db = await startPostgres({ tuneForTests: true, ...labels });
            await selectOne(pg, db.url);
            return db;
          }),
          ...Array.from({ length: REDIS }, () => startRedis(labels)),
        ]);
        const ms = performance.now() - began;
        await Promise.allSettled(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.stop()] : [])));
        return {
          ms,
          errors: results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason?.message ?? r.reason).split('\n')[0]] : [])),
        };
      },
    },
    ...(ctx.peer && {
      peer: {
        label: 'testcontainers',
        async run() {
          const r = await ctx.peer.call('postgresMany', { count: POSTGRES });
          await ctx.peer.call('removeMany', { keys: r.keys });
          return r;
        },
      },
    }),
  };

  const iterations = ctx.quick ? 1 : 3;
  const stopHog = await startHog();
  const loads = [];
  try {
    for (let i = 0; i < iterations; i++) {
      for (const key of rotation(Object.keys(subjects), i)) {
        try {
          const { ms, errors } = await subjects[key].run();
          loads.push(loadavg()[0]);
          if (errors.length > 0) entry.errors.push(`${key} #${i}: ${errors.length} start(s) failed: ${errors[0]}`);
          else addSample(entry, key, subjects[key].label, i, ms);
        } catch (error) {
          entry.errors.push(`${key} #${i}: ${error.message}`);
        }
      }
      ctx.progress(`contention ${i + 1}/${iterations}`);
    }
  } finally {
    await stopHog();
  }
  entry.notes.push(
    `under ${availableParallelism()} busy loops; one-minute load average after each run: ${loads.map((l) => l.toFixed(1)).join(', ')}`,
  );
  compare(entry, 'berth', 'peer');
  return [finalise(entry)];
}
