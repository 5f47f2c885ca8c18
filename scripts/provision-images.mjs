#!/usr/bin/env node
// provision-images: make every image the test suites use present in the local
// Docker engine, as declared in test/images/catalog.json.
//
// For each image, in dependency order:
//   1. already present (docker image inspect) -> nothing to do, unless it is one
//      we built ourselves from fixture files that have changed since (the build
//      records a content hash in the label dev.berth.fixture-hash);
//   2. "pull": true -> try `docker pull` for a few seconds (real image wins);
//   3. otherwise build it: the Debian base with debootstrap + docker import,
//      another name of a catalog image ("tagOf") with docker tag, everything
//      else with `docker build` from its fixture directory (npm tarballs named
//      in "npmPackages" are fetched on the host with `npm pack` and cached).
// Images marked "onDemand" (the postgres version matrix) are provisioned only
// when named, or with --all.
//
// Usage: node scripts/provision-images.mjs [options] [IMAGE...]
//   IMAGE            provision only these (their dependencies come along)
//   --all            also the images marked "onDemand"
//   --no-pull        never try docker pull (env BERTH_NO_PULL=1 does the same)
//   --force          rebuild the images we build ourselves even when present,
//                    from scratch (debootstrap again, docker build --no-cache)
//   --pull-timeout=MS  limit for one docker pull (default 8000, env BERTH_PULL_TIMEOUT_MS)
//   --jobs=N         builds run at once (default 3, env BERTH_PROVISION_JOBS)
//   --list           print the catalog and exit
// Env BERTH_IMAGE_CATALOG names another catalog (paths in it stay relative
// to the repository root); BERTH_DEBIAN_MIRROR overrides the apt mirror;
// BERTH_NPM_CACHE the directory of fetched npm tarballs (~/.cache/berth/npm).
//
// No npm dependencies: node builtins, the docker CLI, and npm for "npmPackages".
// The parts live in scripts/provision/.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './provision/args.mjs';
import { buildDebianBase } from './provision/debian-base.mjs';
import { dockerBuild, inspectLabels, LABEL_HASH, LABEL_KIND, pruneLeftovers, tagImage, tryPull } from './provision/docker.mjs';
import { hasher } from './provision/hash.mjs';
import { validateNpmPackages } from './provision/npm.mjs';
import { elapsed, fail, limiter, log, run, secs, tail } from './provision/process.mjs';

const SCRIPT = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(SCRIPT), '..');
const CATALOG_PATH = path.resolve(process.env.BERTH_IMAGE_CATALOG || path.join(ROOT, 'test/images/catalog.json'));

const opts = parseArgs(process.argv.slice(2), process.env, SCRIPT);
const catalog = JSON.parse(fs.readFileSync(CATALOG_PATH, 'utf8'));

if (opts.list) {
  for (const [name, e] of Object.entries(catalog)) {
    console.log(`${name.padEnd(30)} ${e.onDemand ? '(on demand) ' : ''}${e.description ?? ''}`);
  }
  process.exit(0);
}

for (const [name, e] of Object.entries(catalog)) {
  try {
    if (e.npmPackages) validateNpmPackages(name, e.npmPackages);
  } catch (err) {
    fail(err.message);
  }
  if (e.tagOf && !catalog[e.tagOf]) fail(`${name}: tagOf "${e.tagOf}" is not in the catalog`);
}

const hashes = hasher(ROOT, catalog);

function kindOf(e) {
  if (e.debootstrap) return 'base';
  if (e.tagOf) return 'tag';
  return e.standIn ? 'standin' : 'fixture';
}

async function build(name, e, kind) {
  if (e.debootstrap) return buildDebianBase(name, e, hashes.expectedHash(name));
  if (e.tagOf) return tagImage(e.tagOf, name);
  return dockerBuild({ root: ROOT, name, entry: e, kind, hashes, force: opts.force });
}

async function provisionOne(name, depsDone, buildSlot) {
  const e = catalog[name];
  const t = Date.now();
  const kind = kindOf(e);
  const labels = await inspectLabels(name);
  if (labels) {
    const ours = labels[LABEL_KIND] !== undefined && labels[LABEL_HASH] !== undefined;
    const stale = ours && labels[LABEL_HASH] !== hashes.expectedHash(name);
    // A tag is re-made after its source was rebuilt; --force alone rebuilds the source only.
    if (!ours || (!stale && (!opts.force || e.tagOf))) {
      log(name, `present (${ours ? `our ${labels[LABEL_KIND]} build` : 'not built by us'}) [${secs(Date.now() - t)}]`);
      return 'present';
    }
    log(name, stale ? 'present but its fixture files changed; rebuilding' : 'present; rebuilding (--force)');
  } else if (e.pull && !opts.noPull) {
    log(name, `not present; trying docker pull (limit ${secs(opts.pullTimeoutMs)})`);
    if (await tryPull(name, opts.pullTimeoutMs)) return 'pulled';
  } else {
    log(name, 'not present; building');
  }

  await depsDone;
  const work = async () => {
    const tb = Date.now();
    await build(name, e, kind);
    const from = e.tagOf ? ` of ${e.tagOf}` : e.standIn || e.build ? ` from ${e.standIn ?? e.build}` : '';
    log(name, `built ${kind}${from} in ${secs(Date.now() - tb)}`);
    return 'built';
  };
  // Tagging takes no build slot: it is instant, and its source may hold one while it waits.
  return e.tagOf ? work() : buildSlot(work);
}

/** Requested names plus their dependencies, in catalog order. */
function wantedImages() {
  for (const n of opts.names) if (!catalog[n]) fail(`"${n}" is not in ${path.relative(ROOT, CATALOG_PATH)}`);
  const wanted = new Set();
  const want = (n) => {
    if (wanted.has(n)) return;
    if (!catalog[n]) fail(`unknown dependency "${n}"`);
    for (const d of [...(catalog[n].dependsOn ?? []), ...(catalog[n].tagOf ? [catalog[n].tagOf] : [])]) want(d);
    wanted.add(n);
  };
  const all = Object.keys(catalog).filter((n) => opts.all || !catalog[n].onDemand);
  for (const n of opts.names.length ? opts.names : all) want(n);
  return wanted;
}

async function main() {
  const wanted = wantedImages();
  const engine = await run('docker', ['version', '--format', '{{.Server.Version}}'], { timeoutMs: 10000 });
  if (engine.code !== 0) fail(`the Docker engine does not answer (run scripts/engine-up first):\n${tail(engine.out, 5)}`);

  const buildSlot = limiter(opts.jobs);
  const results = new Map();
  for (const name of wanted) {
    const e = catalog[name];
    const deps = [...(e.dependsOn ?? []), ...(e.tagOf ? [e.tagOf] : [])].map((d) => results.get(d));
    const depsDone = Promise.all(deps).then((r) => {
      if (r.some((x) => x === 'failed')) throw new Error('a dependency failed');
    });
    depsDone.catch(() => {}); // handled where awaited
    results.set(
      name,
      provisionOne(name, depsDone, buildSlot).catch((err) => {
        log(name, `FAILED: ${err.message}`);
        return 'failed';
      }),
    );
  }
  const outcome = {};
  for (const [name, p] of results) outcome[name] = await p;
  // Untagged leftovers of our builds: images replaced by a rebuild and the intermediate stages of
  // multi-stage builds (they carry our label too).
  if (Object.values(outcome).includes('built')) await pruneLeftovers();
  const failed = Object.entries(outcome)
    .filter(([, r]) => r === 'failed')
    .map(([n]) => n);
  const summary = Object.entries(outcome)
    .map(([n, r]) => `${n}=${r}`)
    .join(' ');
  console.log(`provision-images: ${failed.length ? 'FAILED' : 'done'} in ${secs(elapsed())} (${summary})`);
  process.exit(failed.length ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
