// The compatibility project of check:packed: test/packed/wave1 is a user's project written against
// berth 0.1 (the wave-1 orders-api example, its README fixtures as the first README printed them,
// the adapters' README snippets of that time) plus one added file that registers the config's type.
// From the packed tarballs it must typecheck (also with `declaration: true`) and its vitest and jest
// suites must pass against the real engine, printing berth's deprecation warnings (the 0.1 forms it
// uses are deprecated, not gone).
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

const DEPRECATION = '[BERTH_DEPRECATED]';

/**
 * @param {{ root: string, work: string, tarballFiles: string[], versionOf: (name: string) => string,
 *   run: Function, record: Function, engine: boolean }} context
 */
export function checkWave1({ root, work, tarballFiles, versionOf, run, record, engine }) {
  const project = join(work, 'wave1');
  cpSync(join(root, 'test/packed/wave1'), project, { recursive: true });
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'berth-wave1-user', private: true, type: 'module' }, null, 2)}\n`);
  const deps = [
    ...tarballFiles,
    `typescript@${versionOf('typescript')}`,
    `vitest@${versionOf('vitest')}`,
    '@types/node@20',
    'pg@8',
    '@types/pg@8',
    '@redis/client@^6.3.1',
    'jest@30',
    '@jest/globals@30',
    '@swc/core@^1.13.0',
    '@swc/jest@^0.2.39',
  ];
  const installed = run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...deps], project, { quiet: true });
  record('0.1 user project: npm install of the tarballs', installed.ok, installed.output);
  if (!installed.ok) return;

  const tsc = join(project, 'node_modules/typescript/bin/tsc');
  const typed = run(process.execPath, [tsc, '-p', 'tsconfig.json'], project, { quiet: true });
  record('0.1 user project: typecheck with its own tsconfig', typed.ok, typed.output);
  const declared = run(
    process.execPath,
    [tsc, '-p', 'tsconfig.json', '--noEmit', 'false', '--declaration', '--emitDeclarationOnly', '--outDir', '.declarations'],
    project,
    { quiet: true },
  );
  record('0.1 user project: typecheck with declaration: true', declared.ok, declared.output);

  if (!engine) {
    console.log('skip 0.1 user project: vitest and jest suites (--no-engine)');
    return;
  }
  const up = run('bash', [join(root, 'scripts/engine-up')], root, { quiet: true });
  const images = up.ok
    ? run(process.execPath, [join(root, 'scripts/provision-images.mjs'), 'postgres:15', 'redis:7'], root, { quiet: true })
    : up;
  if (!images.ok) {
    record('0.1 user project: engine and images (scripts/engine-up, provision-images)', false, images.output);
    return;
  }
  const env = { CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1', NODE_OPTIONS: '' };
  for (const [name, argv] of [
    ['vitest', [join(project, 'node_modules/vitest/vitest.mjs'), 'run']],
    ['jest', [join(project, 'node_modules/jest/bin/jest.js')]],
  ]) {
    const began = Date.now();
    const suite = run(process.execPath, argv, project, { quiet: true, env });
    const seconds = Math.round((Date.now() - began) / 1000);
    // vitest prints "Tests  12 passed (12)", jest "Tests:       9 passed, 9 total"
    const plain = stripVTControlCharacters(suite.output);
    const tests = /^\s*Tests:?\s+(.*)$/m.exec(plain)?.[1]?.trim() ?? 'no test summary';
    const warnings = [
      ...new Set(
        suite.output
          .split('\n')
          .filter((line) => line.includes(DEPRECATION))
          .map(tidy),
      ),
    ];
    const ok = suite.ok && warnings.length > 0;
    const why = suite.ok ? `passed without a ${DEPRECATION} warning; the project uses deprecated 0.1 forms` : suite.output;
    record(
      `0.1 user project: its ${name} suite against the engine (${tests}; ${seconds} s; ${warnings.length} deprecation warnings)`,
      ok,
      ok ? '' : why,
    );
    for (const warning of warnings) console.log(`     ${warning}`);
  }
}

/** A warning line without the process id Node puts before it. */
function tidy(line) {
  return line.replace(/^.*?\(node:\d+\) /, '').trim();
}
