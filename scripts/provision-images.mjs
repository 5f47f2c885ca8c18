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
//      everything else with `docker build` from its fixture directory.
//
// Usage: node scripts/provision-images.mjs [options] [IMAGE...]
//   IMAGE            provision only these (their dependencies come along)
//   --no-pull        never try docker pull (env BERTH_NO_PULL=1 does the same)
//   --force          rebuild the images we build ourselves even when present,
//                    from scratch (debootstrap again, docker build --no-cache)
//   --pull-timeout=MS  limit for one docker pull (default 8000, env BERTH_PULL_TIMEOUT_MS)
//   --jobs=N         builds run at once (default 3, env BERTH_PROVISION_JOBS)
//   --list           print the catalog and exit
// Env BERTH_IMAGE_CATALOG names another catalog (paths in it stay relative
// to the repository root); BERTH_DEBIAN_MIRROR overrides the apt mirror.
//
// No npm dependencies: node builtins and the docker CLI only.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CATALOG_PATH = path.resolve(process.env.BERTH_IMAGE_CATALOG || path.join(ROOT, 'test/images/catalog.json'));
const TMP = process.env.TMPDIR || '/tmp';
const LABEL_KIND = 'dev.berth.test-image';
const LABEL_HASH = 'dev.berth.fixture-hash';
// Bump when the way the Debian base is assembled changes, so that existing
// bases (and everything built on them) are rebuilt.
const BASE_RECIPE_VERSION = '2';
const STD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

// ---------------------------------------------------------------- arguments
const opts = {
  noPull: process.env.BERTH_NO_PULL === '1',
  force: false,
  pullTimeoutMs: Number(process.env.BERTH_PULL_TIMEOUT_MS || 8000),
  jobs: Number(process.env.BERTH_PROVISION_JOBS || 3),
  list: false,
  names: [],
};
for (const arg of process.argv.slice(2)) {
  if (arg === '--no-pull') opts.noPull = true;
  else if (arg === '--force') opts.force = true;
  else if (arg === '--list') opts.list = true;
  else if (arg.startsWith('--pull-timeout=')) opts.pullTimeoutMs = Number(arg.split('=')[1]);
  else if (arg.startsWith('--jobs=')) opts.jobs = Math.max(1, Number(arg.split('=')[1]) || 1);
  else if (arg === '-h' || arg === '--help') {
    console.log(
      fs
        .readFileSync(fileURLToPath(import.meta.url), 'utf8')
        .split('\n')
        .slice(1, 24)
        .map((l) => l.replace(/^\/\/ ?/, ''))
        .join('\n'),
    );
    process.exit(0);
  } else if (arg.startsWith('-')) fail(`unknown option ${arg}`);
  else opts.names.push(arg);
}

const catalog = JSON.parse(fs.readFileSync(CATALOG_PATH, 'utf8'));

if (opts.list) {
  for (const [name, e] of Object.entries(catalog)) {
    console.log(`${name.padEnd(30)} ${e.description ?? ''}`);
  }
  process.exit(0);
}

// ---------------------------------------------------------------- helpers
function fail(msg) {
  console.error(`provision-images: ${msg}`);
  process.exit(2);
}

const t0 = Date.now();
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
function log(name, msg) {
  console.log(`[${secs(Date.now() - t0).padStart(7)}] ${name}: ${msg}`);
}

/**
 * Run a command; resolves with { code, out, timedOut } (never rejects for a
 * non-zero exit). `out` holds stdout+stderr, trimmed to the last 256 KiB.
 */
function run(cmd, args, { timeoutMs, input, env, logFile } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      env: env ?? process.env,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let timedOut = false;
    const sink = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : null;
    const collect = (chunk) => {
      out += chunk;
      if (out.length > 512 * 1024) out = out.slice(-256 * 1024);
      sink?.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timer;
    if (timeoutMs) {
      timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      }, timeoutMs);
    }
    child.on('error', (err) => {
      clearTimeout(timer);
      sink?.end();
      resolve({ code: 127, out: out + String(err), timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      sink?.end();
      resolve({ code: code ?? 1, out, timedOut });
    });
    if (input !== undefined) child.stdin.end(input);
  });
}

const tail = (text, n = 25) => text.trimEnd().split('\n').slice(-n).join('\n');
const lastLine = (text) => tail(text, 1).trim();

function logFileFor(name) {
  const dir = path.join(TMP, 'berth-provision-logs');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^A-Za-z0-9_.-]+/g, '_')}.log`);
  fs.writeFileSync(file, '');
  return file;
}

/** A tiny semaphore so at most `n` builds run at once. */
function limiter(n) {
  let active = 0;
  const waiting = [];
  return async (fn) => {
    if (active >= n) await new Promise((r) => waiting.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function readOsRelease() {
  try {
    const text = fs.readFileSync('/etc/os-release', 'utf8');
    return Object.fromEntries(
      text
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => {
          const i = l.indexOf('=');
          return [l.slice(0, i), l.slice(i + 1).replace(/^"|"$/g, '')];
        }),
    );
  } catch {
    return {};
  }
}

async function dpkgInstalled(pkg) {
  // dpkg-query's own format syntax, not a template placeholder.
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query format string
  const r = await run('dpkg-query', ['-W', '-f=${Status}', pkg]);
  return r.code === 0 && r.out.includes('install ok installed');
}

/** Install missing Debian packages on the host (root + apt only). */
async function ensureHostPackages(name, pkgs) {
  const missing = [];
  for (const p of pkgs) if (!(await dpkgInstalled(p))) missing.push(p);
  if (missing.length === 0) return;
  if (!isRoot()) throw new Error(`host packages missing: ${missing.join(' ')} (run scripts/test-deps as root)`);
  const t = Date.now();
  log(name, `installing host packages ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const args = ['install', '-y', '--no-install-recommends', ...missing];
  let r = await run('apt-get', args, { env });
  if (r.code !== 0) {
    log(name, 'apt-get install failed; running apt-get update and retrying');
    await run('apt-get', ['update'], { env });
    r = await run('apt-get', args, { env });
  }
  if (r.code !== 0) throw new Error(`apt-get install ${missing.join(' ')} failed:\n${tail(r.out)}`);
  log(name, `installed ${missing.join(' ')} in ${secs(Date.now() - t)}`);
}

// ------------------------------------------------------ apt sources (mirror)
/**
 * Parse the host's apt sources into entries { uris, suites, components,
 * signedBy, file }. Knows deb822 (*.sources) and one-line (*.list) formats.
 */
function readAptSources() {
  const entries = [];
  const listFiles = [];
  const dir = '/etc/apt/sources.list.d';
  let names = [];
  try {
    names = fs.readdirSync(dir).sort();
  } catch {}
  for (const f of names) {
    const file = path.join(dir, f);
    if (f.endsWith('.sources')) {
      const text = fs.readFileSync(file, 'utf8');
      for (const stanza of text.split(/\n\s*\n/)) {
        const fields = {};
        let last = null;
        for (const line of stanza.split('\n')) {
          if (/^\s*#/.test(line) || !line.trim()) continue;
          if (/^\s/.test(line) && last) {
            fields[last] += `\n${line.trim()}`;
            continue;
          }
          const m = line.match(/^([A-Za-z0-9-]+):\s*(.*)$/);
          if (m) {
            last = m[1].toLowerCase();
            fields[last] = m[2].trim();
          }
        }
        if (!fields.uris || !(fields.types ?? '').split(/\s+/).includes('deb')) continue;
        if ((fields.enabled ?? 'yes').toLowerCase() === 'no') continue;
        entries.push({
          uris: fields.uris.split(/\s+/),
          suites: (fields.suites ?? '').split(/\s+/),
          components: (fields.components ?? 'main').split(/\s+/),
          signedBy: fields['signed-by'],
          file,
        });
      }
    } else if (f.endsWith('.list')) listFiles.push(file);
  }
  listFiles.unshift('/etc/apt/sources.list');
  for (const file of listFiles) {
    let text;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const raw of text.split('\n')) {
      const line = raw.replace(/#.*/, '').trim();
      const m = line.match(/^deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/);
      if (!m) continue;
      const signed = (m[1] ?? '').match(/signed-by=(\S+)/);
      entries.push({
        uris: [m[2]],
        suites: [m[3]],
        components: m[4] ? m[4].split(/\s+/) : ['main'],
        signedBy: signed?.[1],
        file,
      });
    }
  }
  return entries;
}

/** The mirror that serves `suite` itself (not -security/-updates), from apt's config. */
function findMirror(suite) {
  if (process.env.BERTH_DEBIAN_MIRROR) return process.env.BERTH_DEBIAN_MIRROR;
  for (const e of readAptSources()) {
    if (e.suites.includes(suite)) return e.uris[0];
  }
  throw new Error(
    `no apt source on this host serves "${suite}" (looked in /etc/apt/sources.list(.d)); ` +
      'set BERTH_DEBIAN_MIRROR to a Debian mirror URL',
  );
}

/**
 * Host apt settings that decide whether the mirror can be reached at all
 * (proxies, tolerance of expired Release files of snapshot mirrors), as apt
 * config lines for the image.
 */
async function hostAcquireSettings() {
  const r = await run('apt-config', ['dump']);
  if (r.code !== 0) return '';
  const keep =
    /^Acquire::((https?|ftp)::Proxy(::\S+)?|Check-Valid-Until|Check-Date|Retries|AllowInsecureRepositories|AllowWeakRepositories)\s/;
  return r.out
    .split('\n')
    .filter((l) => keep.test(l))
    .join('\n');
}

// ------------------------------------------------------------ content hashes
function hashDir(h, dir, rel = '') {
  for (const ent of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const r = path.join(rel, ent.name);
    const full = path.join(dir, r);
    if (ent.isDirectory()) hashDir(h, dir, r);
    else if (ent.isFile()) {
      const mode = fs.statSync(full).mode & 0o111 ? 'x' : '-';
      h.update(`file ${r} ${mode}\n`);
      h.update(fs.readFileSync(full));
    } else if (ent.isSymbolicLink()) h.update(`link ${r} ${fs.readlinkSync(full)}\n`);
  }
}

const hashes = new Map();
/** Content hash of everything an image is built from (dependencies included). */
function expectedHash(name) {
  if (hashes.has(name)) return hashes.get(name);
  const e = catalog[name];
  const h = createHash('sha256');
  const { description, ...recipe } = e; // a new description is no reason to rebuild
  h.update(JSON.stringify({ name, recipe, BASE_RECIPE_VERSION }));
  const ctx = e.standIn ?? e.build;
  if (ctx) hashDir(h, path.join(ROOT, ctx));
  for (const [dest, src] of Object.entries(e.hostFiles ?? {})) {
    h.update(`host ${dest}\n`);
    try {
      h.update(fs.readFileSync(src));
    } catch {
      h.update('missing');
    }
  }
  for (const dep of e.dependsOn ?? []) h.update(`dep ${dep} ${expectedHash(dep)}\n`);
  const digest = h.digest('hex').slice(0, 16);
  hashes.set(name, digest);
  return digest;
}

// ------------------------------------------------------------------- docker
async function inspectLabels(name) {
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
 * Which builder `docker build` uses: BuildKit when the CLI has buildx, else
 * the legacy builder (forced, since DOCKER_BUILDKIT=1 without buildx fails).
 * The Dockerfiles use nothing that only one of them knows.
 */
function builder() {
  builderPromise ??= run('docker', ['buildx', 'version']).then((r) =>
    r.code === 0 ? { env: process.env, legacy: false } : { env: { ...process.env, DOCKER_BUILDKIT: '0' }, legacy: true },
  );
  return builderPromise;
}

async function tryPull(name) {
  const t = Date.now();
  const r = await run('docker', ['pull', name], { timeoutMs: opts.pullTimeoutMs });
  const took = secs(Date.now() - t);
  if (r.code === 0 && !r.timedOut) {
    log(name, `pulled in ${took}`);
    return true;
  }
  const why = r.timedOut ? `no answer within ${secs(opts.pullTimeoutMs)}` : lastLine(r.out).slice(0, 160);
  log(name, `pull failed after ${took} (${why}); building the stand-in`);
  return false;
}

async function dockerBuild(name, e, kind) {
  const src = path.join(ROOT, e.standIn ?? e.build);
  let ctx = src;
  let tmpCtx = null;
  if (e.hostPackages) {
    await ensureHostPackages(name, e.hostPackages);
    hashes.clear(); // host files may have just appeared
  }
  if (e.hostFiles) {
    // Files taken from the host go into a temporary copy of the context.
    tmpCtx = fs.mkdtempSync(path.join(TMP, 'berth-ctx-'));
    fs.cpSync(src, tmpCtx, { recursive: true });
    for (const [dest, from] of Object.entries(e.hostFiles)) {
      fs.copyFileSync(from, path.join(tmpCtx, dest));
      fs.chmodSync(path.join(tmpCtx, dest), fs.statSync(from).mode & 0o777);
    }
    ctx = tmpCtx;
  }
  try {
    const logFile = logFileFor(name);
    const { env, legacy } = await builder();
    const args = [
      'build',
      ...(opts.force ? ['--no-cache'] : []),
      '--label',
      `${LABEL_KIND}=${kind}`,
      '--label',
      `${LABEL_HASH}=${expectedHash(name)}`,
      '-t',
      name,
      ctx,
    ];
    // --force-rm: the legacy builder leaves no stopped container behind when a step fails.
    if (legacy) args.splice(1, 0, '--force-rm');
    const r = await run('docker', args, { env, logFile });
    if (r.code !== 0) throw new Error(`docker build failed (log: ${logFile}):\n${tail(r.out)}`);
  } finally {
    if (tmpCtx) fs.rmSync(tmpCtx, { recursive: true, force: true });
  }
}

// ---------------------------------------------------- the Debian base image
/** Unmount anything left mounted below dir (debootstrap mounts proc/sys). */
async function unmountBelow(dir) {
  let mounts = [];
  try {
    mounts = fs
      .readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[1])
      .filter(Boolean);
  } catch {}
  const below = mounts.filter((m) => m === dir || m.startsWith(`${dir}/`)).sort((a, b) => b.length - a.length);
  for (const m of below) await run('umount', ['-l', m]);
}

async function removeRootfs(dir) {
  await unmountBelow(dir);
  // --one-file-system: never descend into something still mounted.
  await run('rm', ['-rf', '--one-file-system', dir]);
}

async function buildDebianBase(name, e) {
  const { suite = 'bookworm', variant = 'minbase' } = e.debootstrap;
  if (!isRoot()) throw new Error('building the Debian base needs root (debootstrap)');
  await ensureHostPackages(name, ['debootstrap']);
  const mirror = findMirror(suite);
  const dir = fs.mkdtempSync(path.join(TMP, 'berth-rootfs-'));
  const logFile = logFileFor(name);
  try {
    let t = Date.now();
    log(name, `debootstrap --variant=${variant} ${suite} from ${mirror}`);
    // Two stages (--foreign, then --second-stage in a chroot) so that dpkg can
    // be told to skip its fsync()s in between: a throwaway rootfs needs no
    // crash safety, and unpacking goes several times faster.
    const args = ['--foreign', `--variant=${variant}`];
    const keyring = '/usr/share/keyrings/debian-archive-keyring.gpg';
    if (fs.existsSync(keyring)) args.push(`--keyring=${keyring}`);
    args.push(suite, dir, mirror);
    const env = { ...process.env, PATH: STD_PATH, DEBIAN_FRONTEND: 'noninteractive' };
    let r = await run('debootstrap', args, { logFile, env });
    if (r.code !== 0) throw new Error(`debootstrap failed (log: ${logFile}):\n${tail(r.out)}`);
    log(name, `debootstrap first stage (download, unpack) done in ${secs(Date.now() - t)}`);
    t = Date.now();
    fs.mkdirSync(path.join(dir, 'etc/dpkg/dpkg.cfg.d'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'etc/dpkg/dpkg.cfg.d/90berth-unsafe-io'), 'force-unsafe-io\n');
    r = await run('chroot', [dir, '/debootstrap/debootstrap', '--second-stage'], { logFile, env });
    await unmountBelow(dir);
    if (r.code !== 0) throw new Error(`debootstrap --second-stage failed (log: ${logFile}):\n${tail(r.out)}`);
    log(name, `debootstrap second stage (configure) done in ${secs(Date.now() - t)}`);
    await tuneRootfs(dir, suite, mirror);

    t = Date.now();
    const labels = [`LABEL ${LABEL_KIND}=base`, `LABEL ${LABEL_HASH}=${expectedHash(name)}`];
    const changes = [`ENV PATH=${STD_PATH}`, 'CMD ["bash"]', ...labels].flatMap((c) => ['--change', c]);
    // tar's exit status matters as much as docker's, hence pipefail.
    const script =
      'set -o pipefail; dir="$1"; name="$2"; shift 2; ' + 'tar --numeric-owner --xattrs -C "$dir" -c . | docker import "$@" - "$name"';
    const imp = await run('bash', ['-c', script, 'import', dir, name, ...changes], { logFile });
    if (imp.code !== 0) throw new Error(`docker import failed:\n${tail(imp.out)}`);
    log(name, `imported in ${secs(Date.now() - t)}`);
  } finally {
    await removeRootfs(dir);
  }
}

/** Container-friendly settings for the fresh root filesystem. */
async function tuneRootfs(dir, suite, mirror) {
  const w = (rel, text, mode = 0o644) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
    fs.chmodSync(path.join(dir, rel), mode);
  };
  // Packages must not try to start services during `docker build`.
  w('usr/sbin/policy-rc.d', '#!/bin/sh\n# no services in image builds\nexit 101\n', 0o755);
  // Small layers: no recommends, no package caches, no docs/man pages.
  w(
    'etc/apt/apt.conf.d/90berth-image',
    [
      'APT::Install-Recommends "false";',
      'APT::Install-Suggests "false";',
      'Acquire::Languages "none";',
      'Dir::Cache::pkgcache "";',
      'Dir::Cache::srcpkgcache "";',
      'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };',
      '',
    ].join('\n'),
  );
  // Image builds need no fsync() per unpacked file either (the official
  // Debian images do the same).
  w('etc/dpkg/dpkg.cfg.d/90berth-unsafe-io', 'force-unsafe-io\n');
  w(
    'etc/dpkg/dpkg.cfg.d/90berth-nodoc',
    [
      'path-exclude /usr/share/doc/*',
      'path-include /usr/share/doc/*/copyright',
      'path-exclude /usr/share/man/*',
      'path-exclude /usr/share/info/*',
      'path-exclude /usr/share/groff/*',
      'path-exclude /usr/share/lintian/*',
      'path-exclude /usr/share/locale/*',
      '',
    ].join('\n'),
  );
  // What the host needs to reach its mirror (proxy, snapshot tolerance) the image needs too.
  const acquire = await hostAcquireSettings();
  if (acquire) w('etc/apt/apt.conf.d/80berth-host-acquire', `// copied from the build host's apt config\n${acquire}\n`);

  // Sources: the host's own entries for this suite family (main, -updates,
  // -security) when the host runs the same release; otherwise keep the single
  // line debootstrap wrote for the mirror.
  const osr = readOsRelease();
  if (osr.ID === 'debian' && osr.VERSION_CODENAME === suite) {
    const family = readAptSources().filter(
      (s) =>
        s.suites.every((x) => x === suite || x.startsWith(`${suite}-`)) &&
        (!s.signedBy || s.signedBy.startsWith('-----') || fs.existsSync(path.join(dir, s.signedBy))),
    );
    if (family.some((s) => s.suites.includes(suite))) {
      const stanzas = family.map((s) =>
        [
          'Types: deb',
          `URIs: ${s.uris.join(' ')}`,
          `Suites: ${s.suites.join(' ')}`,
          `Components: ${s.components.join(' ')}`,
          ...(s.signedBy && !s.signedBy.includes('\n') ? [`Signed-By: ${s.signedBy}`] : []),
        ].join('\n'),
      );
      w('etc/apt/sources.list.d/debian.sources', `${stanzas.join('\n\n')}\n`);
      fs.rmSync(path.join(dir, 'etc/apt/sources.list'), { force: true });
    }
  }
  if (!fs.existsSync(path.join(dir, 'etc/apt/sources.list.d/debian.sources'))) {
    w('etc/apt/sources.list', `deb ${mirror} ${suite} main\n`);
  }

  // Drop what debootstrap leaves behind that an image should not carry.
  for (const rel of ['var/lib/apt/lists', 'var/cache/apt/archives']) {
    const d = path.join(dir, rel);
    for (const f of fs.readdirSync(d)) {
      if (f === 'partial' || f === 'lock') continue;
      fs.rmSync(path.join(d, f), { recursive: true, force: true });
    }
  }
  for (const f of fs.readdirSync(path.join(dir, 'var/cache/apt'))) {
    if (f.endsWith('.bin')) fs.rmSync(path.join(dir, 'var/cache/apt', f), { force: true });
  }
  fs.rmSync(path.join(dir, 'var/log/bootstrap.log'), { force: true });
  for (const rel of ['usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale']) {
    const d = path.join(dir, rel);
    if (!fs.existsSync(d)) continue;
    for (const f of fs.readdirSync(d)) {
      const p = path.join(d, f);
      if (rel === 'usr/share/doc' && fs.existsSync(path.join(p, 'copyright'))) {
        for (const g of fs.readdirSync(p)) if (g !== 'copyright') fs.rmSync(path.join(p, g), { recursive: true, force: true });
      } else fs.rmSync(p, { recursive: true, force: true });
    }
  }
}

// ---------------------------------------------------------------- provision
async function provisionOne(name, depsDone, buildSlot) {
  const e = catalog[name];
  const t = Date.now();
  const kind = e.debootstrap ? 'base' : e.standIn ? 'standin' : 'fixture';
  const labels = await inspectLabels(name);
  if (labels) {
    const ours = labels[LABEL_KIND] !== undefined && labels[LABEL_HASH] !== undefined;
    const stale = ours && labels[LABEL_HASH] !== expectedHash(name);
    if (!ours || (!stale && !opts.force)) {
      log(name, `present (${ours ? `our ${labels[LABEL_KIND]} build` : 'not built by us'}) [${secs(Date.now() - t)}]`);
      return 'present';
    }
    log(name, stale ? 'present but its fixture files changed; rebuilding' : 'present; rebuilding (--force)');
  } else if (e.pull && !opts.noPull) {
    log(name, `not present; trying docker pull (limit ${secs(opts.pullTimeoutMs)})`);
    if (await tryPull(name)) return 'pulled';
  } else {
    log(name, 'not present; building');
  }

  await depsDone;
  return buildSlot(async () => {
    const tb = Date.now();
    if (e.debootstrap) await buildDebianBase(name, e);
    else await dockerBuild(name, e, kind);
    log(name, `built ${kind}${e.standIn || e.build ? ` from ${e.standIn ?? e.build}` : ''} in ${secs(Date.now() - tb)}`);
    return 'built';
  });
}

async function main() {
  for (const n of opts.names) if (!catalog[n]) fail(`"${n}" is not in ${path.relative(ROOT, CATALOG_PATH)}`);
  // Requested names plus their dependencies, in catalog order.
  const wanted = new Set();
  const want = (n) => {
    if (wanted.has(n)) return;
    if (!catalog[n]) fail(`unknown dependency "${n}"`);
    for (const d of catalog[n].dependsOn ?? []) want(d);
    wanted.add(n);
  };
  for (const n of opts.names.length ? opts.names : Object.keys(catalog)) want(n);

  const engine = await run('docker', ['version', '--format', '{{.Server.Version}}'], { timeoutMs: 10000 });
  if (engine.code !== 0) fail(`the Docker engine does not answer (run scripts/engine-up first):\n${tail(engine.out, 5)}`);

  const buildSlot = limiter(opts.jobs);
  const results = new Map();
  for (const name of wanted) {
    const deps = (catalog[name].dependsOn ?? []).map((d) => results.get(d));
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
  if (Object.values(outcome).includes('built')) {
    // Untagged leftovers of our builds: images replaced by a rebuild and the
    // intermediate stages of multi-stage builds (they carry our label too).
    await run('docker', ['image', 'prune', '--force', '--filter', `label=${LABEL_KIND}`]);
  }
  const failed = Object.entries(outcome)
    .filter(([, r]) => r === 'failed')
    .map(([n]) => n);
  const summary = Object.entries(outcome)
    .map(([n, r]) => `${n}=${r}`)
    .join(' ');
  console.log(`provision-images: ${failed.length ? 'FAILED' : 'done'} in ${secs(Date.now() - t0)} (${summary})`);
  process.exit(failed.length ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
