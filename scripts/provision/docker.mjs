// The docker CLI calls of provisioning: inspect, pull, build, tag.
import fs from 'node:fs';
import path from 'node:path';
import { ensureHostPackages } from './apt.mjs';
import { npmTarball } from './npm.mjs';
import { lastLine, log, logFileFor, run, secs, TMP, tail } from './process.mjs';

export const LABEL_KIND = 'dev.berth.test-image';
export const LABEL_HASH = 'dev.berth.fixture-hash';

/** The image's labels, or null when the image is not present. */
export async function inspectLabels(name) {
  const r = await run('docker', ['image', 'inspect', '--format', '{{json .Config.Labels}}', name]);
  if (r.code !== 0) return null;
  try {
    return JSON.parse(r.out.trim()) ?? {};
  } catch {
    return {};
  }
}

let builderPromise;
/**
 * Which builder `docker build` uses: BuildKit when the CLI has buildx, else the legacy builder
 * (forced, since DOCKER_BUILDKIT=1 without buildx fails). The Dockerfiles use nothing that only
 * one of them knows.
 */
function builder() {
  builderPromise ??= run('docker', ['buildx', 'version']).then((r) =>
    r.code === 0 ? { env: process.env, legacy: false } : { env: { ...process.env, DOCKER_BUILDKIT: '0' }, legacy: true },
  );
  return builderPromise;
}

/** `docker pull` within `timeoutMs`; true when it worked. */
export async function tryPull(name, timeoutMs) {
  const t = Date.now();
  const r = await run('docker', ['pull', name], { timeoutMs });
  const took = secs(Date.now() - t);
  if (r.code === 0 && !r.timedOut) {
    log(name, `pulled in ${took}`);
    return true;
  }
  const why = r.timedOut ? `no answer within ${secs(timeoutMs)}` : lastLine(r.out).slice(0, 160);
  log(name, `pull failed after ${took} (${why}); building the stand-in`);
  return false;
}

export async function tagImage(source, target) {
  const r = await run('docker', ['tag', source, target]);
  if (r.code !== 0) throw new Error(`docker tag ${source} ${target} failed:\n${tail(r.out)}`);
}

/**
 * The build context: the fixture directory itself, or a temporary copy of it when files from the
 * host (`hostFiles`) or npm tarballs (`npmPackages`) go in. Returns { dir, cleanup }.
 */
async function buildContext(root, name, e, hashes) {
  const src = path.join(root, e.standIn ?? e.build);
  if (e.hostPackages) {
    await ensureHostPackages(name, e.hostPackages);
    hashes.clear(); // host files may have just appeared
  }
  if (!e.hostFiles && !e.npmPackages) return { dir: src, cleanup: () => {} };
  const dir = fs.mkdtempSync(path.join(TMP, 'berth-ctx-'));
  try {
    fs.cpSync(src, dir, { recursive: true });
    for (const [dest, file] of Object.entries(e.hostFiles ?? {})) {
      const from = path.resolve(root, file); // relative: a file of this repository
      fs.copyFileSync(from, path.join(dir, dest));
      fs.chmodSync(path.join(dir, dest), fs.statSync(from).mode & 0o777);
    }
    for (const [dest, spec] of Object.entries(e.npmPackages ?? {})) {
      fs.copyFileSync(await npmTarball(name, spec), path.join(dir, dest));
    }
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** `docker build` of a stand-in or fixture, labelled with its kind and content hash. */
export async function dockerBuild({ root, name, entry: e, kind, hashes, force }) {
  const ctx = await buildContext(root, name, e, hashes);
  try {
    const logFile = logFileFor(name);
    const { env, legacy } = await builder();
    const buildArgs = Object.entries(e.buildArgs ?? {}).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
    const args = [
      'build',
      ...(force ? ['--no-cache'] : []),
      ...buildArgs,
      '--label',
      `${LABEL_KIND}=${kind}`,
      '--label',
      `${LABEL_HASH}=${hashes.expectedHash(name)}`,
      '-t',
      name,
      ctx.dir,
    ];
    // --force-rm: the legacy builder leaves no stopped container behind when a step fails.
    if (legacy) args.splice(1, 0, '--force-rm');
    const r = await run('docker', args, { env, logFile });
    if (r.code !== 0) throw new Error(`docker build failed (log: ${logFile}):\n${tail(r.out)}`);
  } finally {
    ctx.cleanup();
  }
}

/** Removes untagged leftovers of our builds (replaced images, intermediate stages). */
export async function pruneLeftovers() {
  await run('docker', ['image', 'prune', '--force', '--filter', `label=${LABEL_KIND}`]);
}
