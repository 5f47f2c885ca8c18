// The host's apt: installed packages, installing missing ones, its sources and mirror settings
// (which the Debian base image copies).
import fs from 'node:fs';
import path from 'node:path';
import { isRoot, log, run, secs, tail } from './process.mjs';

async function dpkgInstalled(pkg) {
  // dpkg-query's own format syntax, not a template placeholder.
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query format string
  const r = await run('dpkg-query', ['-W', '-f=${Status}', pkg]);
  return r.code === 0 && r.out.includes('install ok installed');
}

/** `apt-get install`; on failure once more after `apt-get update` (stale package lists). */
async function aptInstall(name, pkgs) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const args = ['install', '-y', '--no-install-recommends', ...pkgs];
  let r = await run('apt-get', args, { env });
  if (r.code !== 0) {
    log(name, 'apt-get install failed; running apt-get update and retrying');
    await run('apt-get', ['update'], { env });
    r = await run('apt-get', args, { env });
  }
  if (r.code !== 0) throw new Error(`apt-get install ${pkgs.join(' ')} failed:\n${tail(r.out)}`);
}

/** Installs missing Debian packages on the host (root + apt only). */
export async function ensureHostPackages(name, pkgs) {
  const missing = [];
  for (const p of pkgs) if (!(await dpkgInstalled(p))) missing.push(p);
  if (missing.length === 0) return;
  if (!isRoot()) throw new Error(`host packages missing: ${missing.join(' ')} (run scripts/test-deps as root)`);
  const t = Date.now();
  log(name, `installing host packages ${missing.join(' ')}`);
  await aptInstall(name, missing);
  log(name, `installed ${missing.join(' ')} in ${secs(Date.now() - t)}`);
}

export function readOsRelease() {
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

/** One deb822 stanza (*.sources) as an entry, or undefined when it is no enabled `deb` source. */
function parseStanza(stanza, file) {
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
  if (!fields.uris || !(fields.types ?? '').split(/\s+/).includes('deb')) return undefined;
  if ((fields.enabled ?? 'yes').toLowerCase() === 'no') return undefined;
  return {
    uris: fields.uris.split(/\s+/),
    suites: (fields.suites ?? '').split(/\s+/),
    components: (fields.components ?? 'main').split(/\s+/),
    signedBy: fields['signed-by'],
    file,
  };
}

/** The `deb` lines of a one-line format file (*.list). */
function parseListFile(text, file) {
  const entries = [];
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
  return entries;
}

/**
 * The host's apt sources as entries { uris, suites, components, signedBy, file }, from deb822
 * (*.sources) and one-line (*.list) files.
 */
export function readAptSources() {
  const entries = [];
  const listFiles = ['/etc/apt/sources.list'];
  const dir = '/etc/apt/sources.list.d';
  let names = [];
  try {
    names = fs.readdirSync(dir).sort();
  } catch {}
  for (const f of names) {
    const file = path.join(dir, f);
    if (f.endsWith('.sources')) {
      for (const stanza of fs.readFileSync(file, 'utf8').split(/\n\s*\n/)) {
        const entry = parseStanza(stanza, file);
        if (entry) entries.push(entry);
      }
    } else if (f.endsWith('.list')) listFiles.push(file);
  }
  for (const file of listFiles) {
    let text;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    entries.push(...parseListFile(text, file));
  }
  return entries;
}

/** The mirror that serves `suite` itself (not -security/-updates), from apt's config. */
export function findMirror(suite) {
  if (process.env.BERTH_DEBIAN_MIRROR) return process.env.BERTH_DEBIAN_MIRROR;
  const sources = readAptSources();
  for (const e of sources) {
    if (e.suites.includes(suite)) return e.uris[0];
  }
  // A Debian archive mirror serves every suite, so the one that serves the host's own release
  // (not its -security archive) also serves e.g. trixie on a bookworm host.
  const own = readOsRelease().VERSION_CODENAME;
  if (own && suite !== own) {
    for (const e of sources) {
      if (e.suites.includes(own)) return e.uris[0];
    }
  }
  throw new Error(
    `no apt source on this host serves "${suite}" (looked in /etc/apt/sources.list(.d)); ` +
      'set BERTH_DEBIAN_MIRROR to a Debian mirror URL',
  );
}

/**
 * Host apt settings that decide whether the mirror can be reached at all (proxies, tolerance of
 * expired Release files of snapshot mirrors), as apt config lines for the image.
 */
export async function hostAcquireSettings() {
  const r = await run('apt-config', ['dump']);
  if (r.code !== 0) return '';
  const keep =
    /^Acquire::((https?|ftp)::Proxy(::\S+)?|Check-Valid-Until|Check-Date|Retries|AllowInsecureRepositories|AllowWeakRepositories)\s/;
  return r.out
    .split('\n')
    .filter((l) => keep.test(l))
    .join('\n');
}
