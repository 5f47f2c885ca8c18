/**
 * Install footprint, counted the same way for every side: pack berth's packages with `pnpm pack`
 * (which turns workspace: ranges into versions), then for each side run
 * `npm install --omit=dev --legacy-peer-deps --no-audit --no-fund` with a cache directory of its
 * own (nothing from earlier installs) into an empty directory and walk its node_modules. Sides:
 * @berth/core alone, @berth/core + @berth/vitest, testcontainers + @testcontainers/postgresql.
 * Peer dependencies are left out everywhere (--legacy-peer-deps): they are things a user already
 * has (vitest, pg), not things the library brings. Install scripts are counted from the installed
 * packages' own manifests (preinstall/install/postinstall, or a binding.gyp npm would build).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NPM_FLAGS = ['install', '--omit=dev', '--legacy-peer-deps', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'];

/** Walks node_modules: every directory holding a package.json at a package root is one package. */
async function measure(dir) {
  let packages = 0;
  let bytes = 0;
  let blocks = 0;
  const names = new Set();
  const installScripts = [];
  async function walk(path, inModules) {
    const entries = await readdir(path, { withFileTypes: true });
    for (const e of entries) {
      const full = join(path, e.name);
      const st = await lstat(full);
      if (e.isSymbolicLink()) continue;
      if (e.isDirectory()) {
        if (inModules && !e.name.startsWith('.')) {
          if (e.name.startsWith('@')) {
            await walk(full, true);
            continue;
          }
          if (existsSync(join(full, 'package.json'))) {
            packages += 1;
            const pkg = JSON.parse(await readFile(join(full, 'package.json'), 'utf8'));
            names.add(`${pkg.name}@${pkg.version}`);
            const scripts = pkg.scripts ?? {};
            if (scripts.preinstall || scripts.install || scripts.postinstall || existsSync(join(full, 'binding.gyp'))) {
              installScripts.push(pkg.name);
            }
          }
        }
        await walk(full, e.name === 'node_modules');
      } else {
        bytes += st.size;
        blocks += st.blocks * 512;
      }
    }
  }
  await walk(join(dir, 'node_modules'), true);
  return { packages, mbOnDisk: blocks / 1e6, mbApparent: bytes / 1e6, names: [...names].sort(), installScripts: installScripts.sort() };
}

/** Finds where `name` resolves from `fromDir`, node's way: the nearest node_modules up the tree. */
function findPackage(fromDir, name, rootDir) {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === rootDir || dir === dirname(dir)) return undefined;
    dir = dirname(dir);
  }
}

/** How many installed packages `name` brings in itself (its production dependency closure). */
async function closureSize(rootDir, name) {
  const seen = new Set();
  const queue = [findPackage(rootDir, name, rootDir)];
  while (queue.length > 0) {
    const dir = queue.shift();
    if (!dir || seen.has(dir)) continue;
    seen.add(dir);
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) queue.push(findPackage(dir, dep, rootDir));
  }
  return seen.size;
}

/** Installs `specs` into a new directory with a cache of its own; npm's install-script warnings come back with it. */
async function installInto(specs) {
  const dir = await mkdtemp(join(tmpdir(), 'berth-footprint-'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'footprint', version: '0.0.0', private: true }));
  const flags = [...NPM_FLAGS.filter((f) => f !== '--loglevel=error'), '--loglevel=warn', `--cache=${join(dir, '.npm-cache')}`];
  const { stderr } = await run('npm', [...flags, ...specs], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  await rm(join(dir, '.npm-cache'), { recursive: true, force: true });
  const warnings = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^npm warn install-scripts/i.test(line) && !/^npm warn install-scripts\s*$/i.test(line));
  return { dir, warnings };
}

async function pack(packageDir, destination) {
  const { stdout } = await run('pnpm', ['pack', '--pack-destination', destination], { cwd: packageDir });
  const tarball = stdout.trim().split('\n').pop().trim();
  return tarball.startsWith('/') ? tarball : join(destination, tarball);
}

/**
 * Packs a package with its built dist/. Colleagues rebuild packages in the same tree (the build
 * starts with `rm -rf dist`), so a tarball without dist/index.js is packed again after a build.
 */
async function packBuilt({ name, dir }, destination, notes) {
  for (let attempt = 0; attempt < 2; attempt++) {
    if (!existsSync(join(dir, 'dist/index.js'))) {
      notes.push(`${name} had no dist/: built it with \`pnpm --filter ${name} build\` first.`);
      await run('pnpm', ['--filter', name, 'build'], { cwd: ROOT }).catch((error) => {
        notes.push(`building ${name} failed: ${error.message.split('\n')[0]}`);
      });
    }
    const tarball = await pack(dir, destination);
    const { stdout } = await run('tar', ['tzf', tarball]);
    if (stdout.split('\n').includes('package/dist/index.js')) return tarball;
    await rm(tarball, { force: true });
  }
  notes.push(`${name} is left out: no tarball with dist/index.js could be packed.`);
  return undefined;
}

async function packedKb(tarball) {
  return (await lstat(tarball)).size / 1e3;
}

/**
 * What the footprint depends on: the dependency lists of berth's packages and the peer's versions.
 * A quick run reuses the last full run's footprint when this key is unchanged (the two npm installs
 * take a minute or more, and the answer only moves when dependencies do).
 */
async function footprintKey(peerVersions) {
  const deps = async (dir) => {
    try {
      const pkg = JSON.parse(await readFile(join(ROOT, dir, 'package.json'), 'utf8'));
      return { dependencies: pkg.dependencies ?? {}, peerDependencies: pkg.peerDependencies ?? {} };
    } catch {
      return null;
    }
  };
  return JSON.stringify({
    core: await deps('packages/core'),
    vitest: await deps('packages/vitest-plugin'),
    peer: [peerVersions?.testcontainers, peerVersions?.postgresql],
  });
}

export async function footprint(ctx) {
  const key = await footprintKey(ctx.peerVersions);
  if (ctx.quick) {
    try {
      const last = JSON.parse(await readFile(join(ROOT, 'bench/results/full.json'), 'utf8'));
      if (last.footprint?.key === key && !last.footprint.error) {
        return {
          ...last.footprint,
          notes: [...last.footprint.notes, `Reused from the full run of ${last.finishedAt}: same dependency lists.`],
        };
      }
    } catch {
      // No full run to reuse.
    }
    // Two npm installs take a minute or more on a busy machine: too much for the quick budget.
    return {
      id: 'footprint',
      key,
      skipped: 'not measured in a quick run without a full run of the same dependency lists to reuse; `pnpm bench` measures it',
    };
  }
  const notes = [];
  const packs = await mkdtemp(join(tmpdir(), 'berth-packs-'));
  const dirs = [];
  try {
    const berthPackages = [{ name: '@berth/core', dir: join(ROOT, 'packages/core') }];
    const vitestDir = join(ROOT, 'packages/vitest-plugin');
    if (existsSync(join(vitestDir, 'package.json'))) berthPackages.push({ name: '@berth/vitest', dir: vitestDir });
    else notes.push('@berth/vitest does not exist yet: only @berth/core is counted.');

    const tarballs = [];
    const packed = {};
    for (const p of berthPackages) {
      const tarball = await packBuilt(p, packs, notes);
      if (!tarball) continue;
      tarballs.push(tarball);
      packed[p.name] = await packedKb(tarball);
    }
    if (!packed['@berth/core']) throw new Error('@berth/core could not be packed with its dist/');
    const peerVersions = ctx.peerVersions ?? {};
    const peerSpecs = [
      `testcontainers@${peerVersions.testcontainers ?? '12'}`,
      `@testcontainers/postgresql@${peerVersions.postgresql ?? '12'}`,
    ];
    ctx.progress('footprint: npm install (three sides at once)');
    const coreTarball = tarballs[0];
    const [coreOnly, berthSide, peerSide] = await Promise.all([installInto([coreTarball]), installInto(tarballs), installInto(peerSpecs)]);
    dirs.push(coreOnly.dir, berthSide.dir, peerSide.dir);
    const core = { installed: ['@berth/core'], ...(await measure(coreOnly.dir)), npmWarnings: coreOnly.warnings };
    const berth = {
      installed: Object.keys(packed),
      packedKb: packed,
      ...(await measure(berthSide.dir)),
      viaDockerode: await closureSize(berthSide.dir, 'dockerode'),
      npmWarnings: berthSide.warnings,
    };
    const peer = { installed: peerSpecs, ...(await measure(peerSide.dir)), npmWarnings: peerSide.warnings };
    ctx.progress(
      `footprint: @berth/core ${core.packages} packages ${core.mbOnDisk.toFixed(1)} MB (install scripts: ${core.installScripts.length}); ` +
        `+ @berth/vitest ${berth.packages} packages ${berth.mbOnDisk.toFixed(1)} MB; testcontainers ${peer.packages} packages ${peer.mbOnDisk.toFixed(1)} MB (install scripts: ${peer.installScripts.join(', ') || 'none'})`,
    );
    return {
      id: 'footprint',
      key,
      suite: 'Footprint',
      title: 'install footprint',
      what: 'packages and MB on disk after `npm install --omit=dev` of each side into an empty directory',
      core,
      berth,
      peer,
      notes: [...new Set(notes)],
    };
  } finally {
    await rm(packs, { recursive: true, force: true });
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
}
