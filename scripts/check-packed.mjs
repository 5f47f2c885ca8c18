#!/usr/bin/env node
// The packed-package check: what a user gets from `npm install @berth/core @berth/vitest @berth/jest`.
//
// Packs the three packages (after `pnpm build`), installs the tarballs into a scratch TypeScript
// project in a temporary directory, then:
//   - typechecks test/packed/consumer/*.ts with skipLibCheck: false, once under module/
//     moduleResolution nodenext and once under moduleResolution bundler (TypeScript as pinned by the
//     workspace; with --ts7 also the TypeScript 7 preview, @typescript/native-preview);
//   - typechecks test/packed/registered, a project that registers its config's type (helpers typed
//     by service name; its @ts-expect-error lines are the errors registration must give);
//   - compiles each of test/packed/declaration/*.ts alone with `declaration: true` (configs a user
//     may compile with declarations on: every returned type must be nameable from public entries);
//   - typechecks the core-only examples (examples/*/*.mjs) with the command docs/examples.md shows;
//   - require()s every entry from CommonJS (test/packed/consumer/smoke.cjs), starting nothing;
//   - the compatibility project (test/packed/wave1, see scripts/packed/wave1.mjs): a user's project
//     written against berth 0.1 typechecks and its vitest and jest suites pass against the engine
//     (brought up with scripts/engine-up and provision-images as the test commands do; --no-engine
//     skips the suites), printing deprecation warnings for the 0.1 forms it uses.
// Prints one line per check and exits 1 when any failed. Needs the npm registry (the consumer's
// dependencies: typescript, vitest, jest types, pg types). Usage: node scripts/check-packed.mjs [--ts7] [--keep] [--no-engine]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkWave1 } from './packed/wave1.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const packages = ['packages/core', 'packages/vitest-plugin', 'packages/jest-preset'];
const versionOf = (name) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;

function run(command, argv, cwd, { quiet = false, env = {} } = {}) {
  const result = spawnSync(command, argv, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_update_notifier: 'false', ...env },
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (!quiet && result.status !== 0) process.stderr.write(`${output}\n`);
  return { ok: result.status === 0, output };
}

function fail(message) {
  console.error(`check:packed: ${message}`);
  process.exit(1);
}

for (const dir of packages) {
  if (!existsSync(join(root, dir, 'dist'))) fail(`${dir}/dist is missing: run \`pnpm build\` first`);
}

const work = mkdtempSync(join(tmpdir(), 'berth-packed-'));
const tarballs = join(work, 'tarballs');
const project = join(work, 'project');
mkdirSync(tarballs);
mkdirSync(project);
const results = [];
function record(name, ok, output) {
  results.push({ name, ok });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  if (!ok && output) console.log(output.replace(/^/gm, '     | '));
}

try {
  // 1. pack: pnpm rewrites workspace:* to the version, as a publish would.
  for (const dir of packages) {
    const packed = run('pnpm', ['pack', '--pack-destination', tarballs], join(root, dir));
    if (!packed.ok) fail(`pnpm pack failed in ${dir}`);
  }
  const files = readdirSync(tarballs).filter((f) => f.endsWith('.tgz'));
  if (files.length !== packages.length) fail(`expected ${packages.length} tarballs, got ${files.join(', ')}`);

  // 2. the scratch project: the tarballs plus what a user of them has anyway.
  const typescript = versionOf('typescript');
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'berth-packed-consumer', private: true, type: 'module' }, null, 2)}\n`,
  );
  const deps = [
    ...files.map((f) => join(tarballs, f)),
    `typescript@${typescript}`,
    '@types/node@20',
    `vitest@${versionOf('vitest')}`,
    'jest@30',
    'pg@8',
    '@types/pg@8',
  ];
  const started = Date.now();
  const installed = run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...deps], project);
  if (!installed.ok) fail('npm install of the tarballs failed (is the npm registry reachable?)');
  console.log(`installed ${files.join(', ')} into ${project} (${Math.round((Date.now() - started) / 1000)} s)`);

  cpSync(join(root, 'test/packed/consumer'), join(project, 'src'), { recursive: true });
  const base = { strict: true, skipLibCheck: false, noEmit: true, types: ['node'], target: 'ES2022', lib: ['ES2023', 'ESNext.Disposable'] };
  const configs = {
    nodenext: { ...base, module: 'nodenext', moduleResolution: 'nodenext' },
    bundler: { ...base, module: 'preserve', moduleResolution: 'bundler' },
  };
  for (const [name, compilerOptions] of Object.entries(configs)) {
    writeFileSync(
      join(project, `tsconfig.${name}.json`),
      `${JSON.stringify({ compilerOptions, include: ['src/**/*.ts', 'src/**/*.cts'] }, null, 2)}\n`,
    );
  }

  // 3. typecheck the consumer under each resolution mode.
  const tsc = join(project, 'node_modules/typescript/bin/tsc');
  for (const name of Object.keys(configs)) {
    const checked = run(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], project, { quiet: true });
    record(`typecheck, ${name}, skipLibCheck false (TypeScript ${typescript})`, checked.ok, checked.output);
  }

  // 3b. a project that registers its config's type: the helpers typed by service name, and the
  // mistakes registration turns into compile errors (test/packed/registered).
  cpSync(join(root, 'test/packed/registered'), join(project, 'registered'), { recursive: true });
  writeFileSync(
    join(project, 'tsconfig.registered.json'),
    `${JSON.stringify({ compilerOptions: configs.nodenext, include: ['registered/**/*.ts'] }, null, 2)}\n`,
  );
  const registered = run(process.execPath, [tsc, '-p', 'tsconfig.registered.json'], project, { quiet: true });
  record('typecheck, a project that registers its config (helpers typed by name)', registered.ok, registered.output);

  // 3c. declaration emit: each file of test/packed/declaration (berth configs, compose adopters)
  // compiled alone with `declaration: true`, so every type a public function returns must be
  // nameable from the entries that file imports (TS2742/TS2883 otherwise).
  cpSync(join(root, 'test/packed/declaration'), join(project, 'declaration'), { recursive: true });
  // One resolution mode (nodenext): what is nameable does not depend on it, and each file is a program.
  for (const [name, compilerOptions] of Object.entries(configs).filter(([mode]) => mode === 'nodenext')) {
    const failures = readdirSync(join(project, 'declaration'))
      .filter((f) => f.endsWith('.ts'))
      .flatMap((file) => {
        const options = {
          ...compilerOptions,
          noEmit: false,
          declaration: true,
          emitDeclarationOnly: true,
          outDir: `declaration-out/${name}`,
        };
        const tsconfig = `tsconfig.declaration.${name}.${file}.json`;
        writeFileSync(join(project, tsconfig), JSON.stringify({ compilerOptions: options, files: [`declaration/${file}`] }));
        const checked = run(process.execPath, [tsc, '-p', tsconfig], project, { quiet: true });
        return checked.ok ? [] : [checked.output];
      });
    record(`declaration emit, ${name}: berth configs and compose adopters (declaration: true)`, failures.length === 0, failures.join('\n'));
  }

  // 4. the examples, with the command docs/examples.md gives for them.
  const examples = readdirSync(join(root, 'examples'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, 'examples', entry.name, 'main.mjs')))
    .map((entry) => entry.name);
  for (const example of examples)
    cpSync(join(root, 'examples', example), join(project, 'examples', example), {
      recursive: true,
      filter: (src) => !src.includes('node_modules'),
    });
  const exampleFiles = examples.flatMap((example) =>
    readdirSync(join(project, 'examples', example))
      .filter((f) => f.endsWith('.mjs'))
      .map((f) => join('examples', example, f)),
  );
  const flags = [
    '--noEmit',
    '--allowJs',
    '--checkJs',
    '--strict',
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
    '--types',
    'node',
  ];
  const checkedExamples = run(process.execPath, [tsc, ...flags, ...exampleFiles], project, { quiet: true });
  record(`typecheck, examples (${examples.join(', ')}) as docs/examples.md shows`, checkedExamples.ok, checkedExamples.output);

  // 5. CommonJS require of every entry.
  const smoke = run(process.execPath, ['src/smoke.cjs'], project, { quiet: true });
  record('require() from CommonJS', smoke.ok, smoke.output);

  // 6. a user's project written against 0.1: compiles, and its suites pass against the engine.
  checkWave1({
    root,
    work,
    tarballFiles: files.map((f) => join(tarballs, f)),
    versionOf,
    run,
    record,
    engine: !args.has('--no-engine'),
  });

  // 7. optionally, the TypeScript 7 preview (a native compiler; same options).
  if (args.has('--ts7')) {
    const native = run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '@typescript/native-preview'], project, {
      quiet: true,
    });
    if (!native.ok) {
      record('TypeScript 7 preview: install', false, native.output);
    } else {
      const version = run(join(project, 'node_modules/.bin/tsgo'), ['--version'], project, { quiet: true }).output;
      for (const name of Object.keys(configs)) {
        const checked = run(join(project, 'node_modules/.bin/tsgo'), ['-p', `tsconfig.${name}.json`], project, { quiet: true });
        record(`typecheck, ${name}, skipLibCheck false (${version})`, checked.ok, checked.output);
      }
    }
  }
} finally {
  if (args.has('--keep')) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

const failed = results.filter((r) => !r.ok).length;
console.log(`check:packed: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
