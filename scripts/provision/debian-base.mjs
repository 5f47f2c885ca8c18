// The Debian base image: debootstrap into a temporary directory, make it container-friendly,
// `docker import` it. Needs root.
import fs from 'node:fs';
import path from 'node:path';
import { ensureHostPackages, findMirror, hostAcquireSettings, readAptSources, readOsRelease } from './apt.mjs';
import { LABEL_HASH, LABEL_KIND } from './docker.mjs';
import { isRoot, log, logFileFor, run, secs, TMP, tail } from './process.mjs';

const STD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Unmounts anything left mounted below dir (debootstrap mounts proc/sys). */
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

export async function buildDebianBase(name, e, hash) {
  const { suite = 'bookworm', variant = 'minbase' } = e.debootstrap;
  if (!isRoot()) throw new Error('building the Debian base needs root (debootstrap)');
  await ensureHostPackages(name, ['debootstrap']);
  const mirror = findMirror(suite);
  const dir = fs.mkdtempSync(path.join(TMP, 'berth-rootfs-'));
  const logFile = logFileFor(name);
  try {
    let t = Date.now();
    log(name, `debootstrap --variant=${variant} ${suite} from ${mirror}`);
    // Two stages (--foreign, then --second-stage in a chroot) so that dpkg can be told to skip its
    // fsync()s in between: a throwaway rootfs needs no crash safety, and unpacking goes several
    // times faster.
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
    const labels = [`LABEL ${LABEL_KIND}=base`, `LABEL ${LABEL_HASH}=${hash}`];
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

function writer(dir) {
  return (rel, text, mode = 0o644) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
    fs.chmodSync(path.join(dir, rel), mode);
  };
}

/** Container-friendly settings for the fresh root filesystem. */
async function tuneRootfs(dir, suite, mirror) {
  const w = writer(dir);
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
  // Image builds need no fsync() per unpacked file either (the official Debian images do the same).
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
  writeSources(dir, suite, mirror);
  dropLeftovers(dir);
}

/**
 * Sources: the host's own entries for this suite family (main, -updates, -security) when the host
 * runs the same release; otherwise the single line debootstrap wrote for the mirror.
 */
function writeSources(dir, suite, mirror) {
  const w = writer(dir);
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
}

/** Drops what debootstrap leaves behind that an image should not carry. */
function dropLeftovers(dir) {
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
