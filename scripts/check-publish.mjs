#!/usr/bin/env node
// What each package would publish, checked before anyone publishes it. For every non-private package
// under packages/: `pnpm pack` (which turns workspace: ranges into versions, as `pnpm publish` does),
// then `npm publish --dry-run --json` of that tarball (npm's own view of what goes out), then:
//   - files: README.md, LICENSE and CHANGELOG.md are in; no tests, no TypeScript sources, no
//     fixtures; every source map's sources stay inside the package (or are virtual, with their text)
//   - exports: every subpath has import and require, each with types and default, all shipped;
//     main/module/types and bin point at shipped files
//   - engines.node is the workspace's; license is MIT; core's label version is the package's
//   - dependencies: no workspace: or file: range left; berth packages depend on the same version;
//     peerDependencies name the runner (adapters) and optional peers are marked optional
// Needs `pnpm build` first. Prints one line per package and check; exits 1 when any failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// Subpaths that are files a runner loads by path, not modules with types (with the reason).
const UNTYPED = {
  '@berth/jest': { './jest-preset': 'the preset object jest reads', './jest-preset.js': 'the same, by file name' },
};
// What each adapter must name as a peer: the runner it plugs into.
const RUNNER_PEERS = { '@berth/vitest': 'vitest', '@berth/jest': 'jest' };

function run(command, argv, cwd) {
  const result = spawnSync(command, argv, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  return { ok: result.status === 0, stdout: result.stdout ?? '', output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

const packages = readdirSync(join(root, 'packages'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'packages', d.name, 'package.json')))
  .map((d) => join(root, 'packages', d.name))
  .filter((dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private !== true);
const versions = new Map(
  packages.map((dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).map((m) => [m.name, m.version]),
);

const work = mkdtempSync(join(tmpdir(), 'berth-publish-'));
let failed = 0;
try {
  for (const dir of packages) {
    if (!existsSync(join(dir, 'dist'))) {
      console.error(`check:publish: ${dir}/dist is missing: run \`pnpm build\` first`);
      process.exit(1);
    }
    const packed = run('pnpm', ['pack', '--pack-destination', work], dir);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!packed.ok || !tarball) {
      report(dir, [`pnpm pack failed: ${packed.output}`]);
      continue;
    }
    const dry = run('npm', ['publish', '--dry-run', '--json', '--ignore-scripts', join(work, tarball)], work);
    const listed = dry.ok ? parseDryRun(dry.stdout) : undefined;
    if (!listed) {
      report(dir, [`npm publish --dry-run failed: ${dry.output}`]);
      continue;
    }
    const unpacked = join(work, 'unpacked');
    rmSync(unpacked, { recursive: true, force: true });
    run('mkdir', ['-p', unpacked], work);
    run('tar', ['-xzf', join(work, tarball), '-C', unpacked], work);
    const pkgDir = join(unpacked, 'package');
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    const files = new Set(listed.files.map((f) => f.path));
    const problems = [...checkFiles(files, pkgDir), ...checkManifest(manifest, files), ...checkLabelVersion(manifest, files, pkgDir)];
    report(dir, problems, `${manifest.name}@${manifest.version}: ${files.size} files, ${Math.round(listed.size / 1024)} kB packed`);
    rmSync(join(work, tarball));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`check:publish: ${packages.length - failed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

function report(dir, problems, summary = dir) {
  if (problems.length === 0) {
    console.log(`ok   ${summary}`);
    return;
  }
  failed++;
  console.log(`FAIL ${summary}`);
  for (const problem of problems) console.log(`     - ${problem}`);
}

/** npm prints the dry run's JSON (an object, keyed by name in newer npm versions). */
function parseDryRun(stdout) {
  const start = stdout.indexOf('{');
  if (start < 0) return undefined;
  const parsed = JSON.parse(stdout.slice(start));
  const result = Array.isArray(parsed.files) ? parsed : Object.values(parsed)[0];
  return result && Array.isArray(result.files) ? result : undefined;
}

function checkFiles(files, pkgDir) {
  const problems = [];
  for (const required of ['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json']) {
    if (!files.has(required)) problems.push(`${required} is not published`);
  }
  for (const file of files) {
    if (/(^|\/)(test|tests|__tests__|fixtures)\//.test(file) || /\.(test|spec)\.[cm]?[jt]sx?$/.test(file)) {
      problems.push(`a test file is published: ${file}`);
    }
    if (/\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file)) problems.push(`a TypeScript source is published: ${file}`);
    if (file.endsWith('.map')) problems.push(...checkSourceMap(file, join(pkgDir, file), files));
  }
  return problems;
}

function checkSourceMap(file, path, files) {
  const map = JSON.parse(readFileSync(path, 'utf8'));
  const problems = [];
  map.sources.forEach((source, index) => {
    const virtual = /^[a-z]+:\/\//.test(source);
    const resolved = join(dirname(file), source);
    if (!virtual && (isAbsolute(source) || resolved.startsWith('..'))) problems.push(`${file} points outside the package: ${source}`);
    else if (!map.sourcesContent?.[index] && !files.has(resolved)) {
      problems.push(`${file}: ${source} is neither published nor in sourcesContent`);
    }
  });
  return problems;
}

/**
 * core stamps the resources it creates with its version (label dev.berth.version) from a constant in
 * session/labels.ts, which `changeset version` does not know about: it must match the manifest.
 */
function checkLabelVersion(manifest, files, pkgDir) {
  if (manifest.name !== '@berth/core') return [];
  const stamped = [...files]
    .filter((file) => file.endsWith('.js'))
    .some((file) => readFileSync(join(pkgDir, file), 'utf8').includes(`BERTH_VERSION = "${manifest.version}"`));
  return stamped ? [] : [`BERTH_VERSION (packages/core/src/session/labels.ts) is not ${manifest.version}, the package's version`];
}

function checkManifest(manifest, files) {
  const problems = [];
  const shipped = (target) => typeof target === 'string' && files.has(target.replace(/^\.\//, ''));
  if (manifest.license !== 'MIT') problems.push(`license is ${JSON.stringify(manifest.license)}, expected "MIT"`);
  if (manifest.engines?.node !== rootManifest.engines.node) {
    problems.push(`engines.node is ${JSON.stringify(manifest.engines?.node)}, expected ${JSON.stringify(rootManifest.engines.node)}`);
  }
  for (const field of ['main', 'module', 'types']) {
    if (manifest[field] !== undefined && !shipped(manifest[field])) problems.push(`${field} ${manifest[field]} is not published`);
  }
  for (const [name, target] of Object.entries(manifest.bin ?? {})) {
    if (!shipped(target)) problems.push(`bin ${name} (${target}) is not published`);
  }
  const untyped = UNTYPED[manifest.name] ?? {};
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (subpath === './package.json') continue;
    if (typeof target === 'string') {
      if (!(subpath in untyped)) problems.push(`exports["${subpath}"] is a bare path: give it import and require, each with types`);
      else if (!shipped(target)) problems.push(`exports["${subpath}"] (${target}) is not published`);
      continue;
    }
    for (const condition of ['import', 'require']) {
      for (const key of ['types', 'default']) {
        const file = target?.[condition]?.[key];
        if (!file) problems.push(`exports["${subpath}"].${condition}.${key} is missing`);
        else if (!shipped(file)) problems.push(`exports["${subpath}"].${condition}.${key} (${file}) is not published`);
      }
    }
    const esmTypes = target?.import?.types ?? '';
    const cjsTypes = target?.require?.types ?? '';
    if (esmTypes && !esmTypes.endsWith('.d.ts')) problems.push(`exports["${subpath}"].import.types should be a .d.ts`);
    if (cjsTypes && !cjsTypes.endsWith('.d.cts')) problems.push(`exports["${subpath}"].require.types should be a .d.cts`);
  }
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (/^(workspace|file|link):/.test(range)) problems.push(`${field}.${name} is ${range}: not resolvable outside this repository`);
      if (versions.has(name) && range !== versions.get(name)) {
        problems.push(`${field}.${name} is ${range}, expected ${versions.get(name)} (the berth packages move together)`);
      }
    }
  }
  const runner = RUNNER_PEERS[manifest.name];
  if (runner && !manifest.peerDependencies?.[runner]) problems.push(`peerDependencies should name ${runner}, the runner it plugs into`);
  for (const name of Object.keys(manifest.peerDependenciesMeta ?? {})) {
    if (!manifest.peerDependencies?.[name]) problems.push(`peerDependenciesMeta.${name} has no peerDependencies entry`);
  }
  for (const [name] of Object.entries(manifest.peerDependencies ?? {})) {
    if (manifest.dependencies?.[name]) problems.push(`${name} is both a dependency and a peer`);
  }
  if (manifest.devDependencies && Object.keys(manifest.devDependencies).some((name) => manifest.dependencies?.[name])) {
    problems.push('a package is both a dependency and a devDependency');
  }
  return problems;
}
