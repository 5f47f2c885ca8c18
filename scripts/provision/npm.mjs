// npm packages a stand-in is built from (e.g. server binaries published on npm), fetched on the
// host with `npm pack` into a cache, so that image builds need no registry access.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { log, run, secs, tail } from './process.mjs';

const EXACT = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*@\d+\.\d+\.\d+(-[\w.]+)?$/i;

function cacheDir() {
  const base = process.env.BERTH_NPM_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'berth', 'npm');
  fs.mkdirSync(base, { recursive: true });
  return base;
}

/** Checks a catalog entry's `npmPackages` ({ fileInContext: "name@exact-version" }). */
export function validateNpmPackages(name, packages) {
  for (const [file, spec] of Object.entries(packages)) {
    if (!EXACT.test(spec)) throw new Error(`${name}: npmPackages.${file} must be name@exact-version, got "${spec}"`);
    if (file.includes('/') || file.startsWith('.')) throw new Error(`${name}: npmPackages key "${file}" must be a plain file name`);
  }
}

/** Path of the packed tarball of `spec`, fetched with `npm pack` unless already cached. */
export async function npmTarball(name, spec) {
  const dir = cacheDir();
  const file = path.join(dir, `${spec.replace(/^@/, '').replace(/[/@]/g, '+')}.tgz`);
  if (fs.existsSync(file)) return file;
  const t = Date.now();
  log(name, `npm pack ${spec}`);
  const tmp = fs.mkdtempSync(path.join(dir, '.pack-'));
  try {
    const r = await run('npm', ['pack', spec, '--pack-destination', tmp, '--silent'], { timeoutMs: 300_000 });
    const packed = fs.readdirSync(tmp).filter((f) => f.endsWith('.tgz'));
    if (r.code !== 0 || packed.length !== 1) {
      throw new Error(
        `npm pack ${spec} failed (is the npm registry reachable? BERTH_NPM_CACHE may hold ${path.basename(file)}):\n${tail(r.out)}`,
      );
    }
    fs.renameSync(path.join(tmp, packed[0]), file);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  log(name, `fetched ${spec} (${(fs.statSync(file).size / 1e6).toFixed(1)} MB) in ${secs(Date.now() - t)}`);
  return file;
}
