/**
 * Issue "Reuse across runs".
 *
 * - reuse loop: examples/orders-api's vitest suite run three times per iteration — reuse off
 *   (baseline), reuse on from cold (no reused container yet), reuse on again (warm). Wall time of
 *   each `vitest run`, and the services' start as the run lifecycle logs it ("started db, cache in
 *   N ms", DEBUG=berth:services). Before each iteration the idle reused containers of the example's
 *   services (postgres:15 `db`, redis:7 `cache`) are removed, so "cold" is cold; afterwards the ones
 *   the iteration made are removed too.
 * - image cache: postgres module start → `select 1` answered, from the initialised-image cache
 *   (`cache: true`, after one priming start that builds the image) against testcontainers'
 *   PostgreSqlContainer, alternating in the same run. The cache image is unique to the run (its
 *   identity includes the bench's run label) and removed at the end.
 */
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { listContainers, removeContainer, request } from '../lib/engine-api.mjs';
import { addBreakdown, addSample, compare, finalise, newCase } from '../lib/results.mjs';
import { selectOne } from '../lib/select-one.mjs';
import { rotation } from '../lib/stats.mjs';
import { pg } from './readiness.mjs';

const run = promisify(execFile);
const EXAMPLE = fileURLToPath(new URL('../../examples/orders-api/', import.meta.url));
const MIGRATIONS = `${EXAMPLE}migrations`;
const SERVICES_LINE = /berth:services started .* in (\d+) ms/;

function vitestRun(reuse) {
  const env = { ...process.env, BERTH_REUSE: reuse ? '1' : '0', DEBUG: 'berth:services' };
  // A fresh run of its own: no inherited session, and CI must not switch reuse off here.
  for (const key of ['BERTH_SESSION_ID', 'BERTH_SESSION_OWNER_PID', 'BERTH_SESSION_OWNER_START', 'CI']) delete env[key];
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(`${EXAMPLE}node_modules/.bin/vitest`, ['run'], { cwd: EXAMPLE, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      out += c;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - began;
      if (code !== 0) return reject(new Error(`orders-api vitest (reuse ${reuse ? 'on' : 'off'}) exited ${code}: ${out.slice(-400)}`));
      const services = SERVICES_LINE.exec(out);
      resolve({ ms, servicesMs: services ? Number(services[1]) : Number.NaN });
    });
  });
}

/** Idle reused containers of the example's services, with the markers of their identity. */
async function removeExampleReused(only) {
  const found = await listContainers('dev.berth.reuse');
  const ours = found.filter(
    (c) =>
      (only ? only.has(c.Id) : true) &&
      ((c.Labels['dev.berth.service'] === 'db' && c.Image === 'postgres:15') ||
        (c.Labels['dev.berth.service'] === 'cache' && c.Image === 'redis:7')),
  );
  for (const c of ours) {
    await removeContainer(c.Id);
    const hash = c.Labels['dev.berth.reuse'];
    for (const label of ['dev.berth.reuse.last-use', 'dev.berth.reuse.ready']) {
      const filters = encodeURIComponent(JSON.stringify({ label: [`${label}=${hash}`] }));
      const { Volumes } = (await request('GET', `/volumes?filters=${filters}`)).body;
      for (const v of Volumes ?? []) await request('DELETE', `/volumes/${encodeURIComponent(v.Name)}?force=true`).catch(() => undefined);
    }
  }
  return new Set(found.map((c) => c.Id));
}

export async function reuseLoop(ctx) {
  const entry = newCase({
    id: 'reuse-loop',
    suite: 'Reuse across runs',
    title: 'examples/orders-api vitest suite: reuse off, reuse on (cold), reuse on (warm)',
    what: 'wall time of `vitest run`; the breakdown shows the services start the plugin logs',
  });
  const labels = { off: 'reuse off', cold: 'reuse on, first run', warm: 'reuse on, second run' };
  const n = ctx.quick ? 1 : 3;
  for (let i = 0; i < n; i++) {
    const before = await removeExampleReused();
    try {
      // cold must precede warm; the baseline alternates before and after them. In quick mode (one
      // iteration) the reuse runs go first and pay any first-run cost of vitest itself.
      for (const key of i % 2 === 0 ? ['cold', 'warm', 'off'] : ['off', 'cold', 'warm']) {
        const r = await vitestRun(key !== 'off');
        addSample(entry, key, labels[key], i, r.ms);
        addBreakdown(entry, key, 'services started', i, r.servicesMs);
        if (key === 'warm') addSample(entry, 'warmServices', 'reuse on, second run: services ready', i, r.servicesMs);
      }
    } catch (error) {
      entry.errors.push(`#${i}: ${error.message}`);
    } finally {
      // What this iteration made (not in `before`) goes; nothing else is touched.
      const after = new Set((await listContainers('dev.berth.reuse')).map((c) => c.Id));
      await removeExampleReused(new Set([...after].filter((id) => !before.has(id))));
    }
    ctx.progress(`reuse loop ${i + 1}/${n}`);
  }
  compare(entry, 'warm', 'cold', { kind: 'ratio', limit: 0.5 });
  compare(entry, 'cold', 'off', { kind: 'ratio', limit: 1.05 });
  compare(entry, 'warmServices', undefined, { kind: 'value', limitMs: 150 });
  return [finalise(entry)];
}

export async function imageCache(ctx) {
  const entry = newCase({
    id: 'postgres-cache',
    suite: 'Reuse across runs',
    title: 'postgres module from the initialised-image cache → `select 1` answered',
    what: 'from the start call until a fresh pg client has run `select 1`; the cache was primed once before',
  });
  if (!ctx.berthPostgres) {
    entry.errors.push('@berth/core/postgres is not built');
    return [finalise(entry)];
  }
  const options = {
    cache: true,
    tuneForTests: true,
    setupSql: [`${MIGRATIONS}/001_products.sql`, `${MIGRATIONS}/002_orders.sql`],
    spec: { labels: { 'berth-bench.run': ctx.runId } },
  };
  const tags = new Set();
  const startCached = async () => {
    const began = performance.now();
    const db = await ctx.berthPostgres.startPostgres(options);
    const startMs = performance.now() - began;
    await selectOne(pg, db.details.url);
    const ms = performance.now() - began;
    const text = db.reuse?.cache ?? '';
    const tag = /berth-cache\/postgres:[0-9a-f]+/.exec(text)?.[0];
    if (tag) tags.add(tag);
    await db.stop();
    return { ms, startMs, text };
  };
  try {
    const primed = await startCached();
    addSample(entry, 'miss', 'berth module, cache miss (initdb + setup + commit)', 0, primed.ms);
    const subjects = {
      hit: { label: 'berth module, image cache hit', run: startCached },
      ...(ctx.peer && {
        peerModule: {
          label: 'testcontainers PostgreSqlContainer',
          async run() {
            const r = await ctx.peer.call('postgresModule');
            await ctx.peer.call('remove', { key: r.key });
            return r;
          },
        },
      }),
    };
    const n = ctx.quick ? 1 : ctx.n.postgres;
    for (let i = 0; i < n; i++) {
      for (const key of rotation(Object.keys(subjects), i)) {
        try {
          const r = await subjects[key].run();
          if (key === 'hit' && !/hit/.test(r.text)) throw new Error(`expected a cache hit, got "${r.text}"`);
          addSample(entry, key, subjects[key].label, i, r.ms);
          if (r.startMs !== undefined) addBreakdown(entry, key, 'startPostgres()', i, r.startMs);
        } catch (error) {
          entry.errors.push(`${key} #${i}: ${error.message}`);
        }
      }
      ctx.progress(`postgres cache ${i + 1}/${n}`);
    }
  } catch (error) {
    entry.errors.push(`priming: ${error.message}`);
  } finally {
    for (const tag of tags) await run('docker', ['rmi', '-f', tag]).catch(() => undefined);
  }
  compare(entry, 'hit', 'peerModule', { kind: 'ratio', limit: 0.6 });
  compare(entry, 'hit', 'miss');
  return [finalise(entry)];
}
