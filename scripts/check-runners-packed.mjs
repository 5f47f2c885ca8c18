#!/usr/bin/env node
// The runner examples as a user's projects: each examples/runners/<name> folder copied out of the
// workspace, its `workspace:` dependencies replaced by the packed tarballs of this commit, installed
// with npm from the registry, and its `npm test` run against the real engine. Prints one line per
// runner and exits 1 when any failed. Needs `pnpm build` first, the engine, and the npm registry.
// Usage: node scripts/check-runners-packed.mjs [runner …] [--keep]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const keep = argv.includes('--keep');
const only = argv.filter((arg) => !arg.startsWith('--'));
const runnersDir = join(root, 'examples', 'runners');
const runners = readdirSync(runnersDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(runnersDir, entry.name, 'package.json')))
  .map((entry) => entry.name)
  .filter((name) => only.length === 0 || only.includes(name));

function run(command, args, cwd, env = {}) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...cleanEnv(), ...env } });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

/** The environment without the workspace's traces (pnpm's NODE_PATH, an outer berth session). */
function cleanEnv() {
  const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  for (const key of Object.keys(env)) {
    if (key === 'NODE_PATH' || key.startsWith('BERTH_SESSION_') || key.startsWith('npm_package_') || key.startsWith('PNPM_'))
      delete env[key];
  }
  return env;
}

const work = mkdtempSync(join(tmpdir(), 'berth-runners-'));
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);
const results = [];
try {
  // Every published package, packed as a publish would (workspace:* becomes the version).
  const packages = readdirSync(join(root, 'packages')).filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')));
  const byName = {};
  for (const dir of packages) {
    const before = new Set(readdirSync(tarballs));
    const packed = run('pnpm', ['pack', '--pack-destination', tarballs], join(root, 'packages', dir));
    if (!packed.ok) throw new Error(`pnpm pack failed in packages/${dir}:\n${packed.output}`);
    const file = readdirSync(tarballs).find((f) => !before.has(f));
    byName[JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')).name] = join(tarballs, file);
  }
  for (const name of runners) {
    const began = performance.now();
    const project = join(work, name);
    cpSync(join(runnersDir, name), project, { recursive: true, filter: (src) => !/node_modules|test-results/.test(src) });
    // The negative-run helper the examples share sits beside them.
    cpSync(join(runnersDir, 'expect-isolation-failure.mjs'), join(work, 'expect-isolation-failure.mjs'));
    const manifestPath = join(project, 'package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    for (const field of ['dependencies', 'devDependencies']) {
      for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
        if (String(range).startsWith('workspace:')) manifest[field][dep] = `file:${byName[dep]}`;
      }
    }
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    const installed = run('npm', ['install', '--no-package-lock'], project);
    const tested = installed.ok ? run('npm', ['test'], project) : installed;
    const ok = installed.ok && tested.ok;
    results.push(ok);
    console.log(
      `${ok ? 'ok  ' : 'FAIL'} ${name}: ${installed.ok ? 'npm test' : 'npm install'} (${Math.round(performance.now() - began)} ms)`,
    );
    if (!ok) console.log(tested.output.split('\n').slice(-40).join('\n').replace(/^/gm, '     | '));
  }
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
const failed = results.filter((ok) => !ok).length;
console.log(`runners from packed tarballs: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
