/**
 * Fixture projects for the @berth/jest e2e tests.
 *
 * A scenario lives once in fixtures/jest-projects/<name>. Each run copies it into a fresh temporary
 * directory whose `node_modules` links to one jest version's install (fixtures/jest-29 or
 * fixtures/jest-30, workspace packages listing jest, ts-jest, @swc/jest and pg), except for @berth/core
 * and @berth/jest: those are a copy of the built packages (package.json and dist, what a user
 * installs) taken once when the tests start, so a rebuild in the working tree during the run cannot
 * pull files from under a running jest. The copy is a standalone project the way a user has one;
 * the source tree is never written to.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const packages = join(fixtures, '..', '..', '..', 'packages');

export const JEST_VERSIONS = [29, 30] as const;
export type JestVersion = (typeof JEST_VERSIONS)[number];

export interface JestProject {
  readonly dir: string;
  /** jest's CLI script for this project's jest version. */
  readonly cli: string;
  /** File the fixture tests append JSON lines to (BERTH_FIXTURE_MARKS). */
  readonly marksFile: string;
  /** The JSON lines written so far. */
  marks(): Record<string, unknown>[];
  remove(): void;
}

/** Files the fixtures load from the built packages. */
const BUILT = [
  'core/dist/index.cjs',
  'core/dist/index.js',
  'core/dist/adapter.cjs',
  'core/dist/broker.cjs',
  'core/dist/postgres.cjs',
  'core/dist/redis.cjs',
  'core/dist/reaper.js',
  'jest-preset/jest-preset.js',
  'jest-preset/dist/preset.js',
  'jest-preset/dist/index.cjs',
  'jest-preset/dist/index.d.cts',
  'jest-preset/dist/global-setup.cjs',
  'jest-preset/dist/global-teardown.cjs',
  'jest-preset/dist/environment.cjs',
];

/** Checks that what the fixtures load exists: the built packages and the installed jest versions. */
export function assertPrerequisites(): void {
  const missing = [
    ...BUILT.map((file) => join(packages, file)),
    ...JEST_VERSIONS.map((version) => join(fixtures, `jest-${version}/node_modules/jest/bin/jest.js`)),
  ].filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new Error(
      `the jest e2e tests need the built packages and the fixture installs (pnpm install && pnpm build); missing:\n  ${missing.join('\n  ')}`,
    );
  }
}

interface PackageCopies {
  root: string;
  core: string;
  jest: string;
}

let copies: PackageCopies | undefined;

/**
 * The built @berth/core and @berth/jest, copied once per test process. Their dependencies stay links
 * to the workspace install; @berth/jest's @berth/core is the copied one.
 */
function packageCopies(): PackageCopies {
  if (copies) return copies;
  assertPrerequisites();
  const root = mkdtempSync(join(tmpdir(), 'berth-jest-packages-'));
  const copy = (name: string, entries: string[]) => {
    const target = join(root, name);
    mkdirSync(target);
    for (const entry of entries) cpSync(join(packages, name, entry), join(target, entry), { recursive: true });
    return target;
  };
  const core = copy('core', ['package.json', 'dist']);
  symlinkSync(join(packages, 'core', 'node_modules'), join(core, 'node_modules'), 'dir');
  const jest = copy('jest-preset', ['package.json', 'jest-preset.js', 'dist']);
  mkdirSync(join(jest, 'node_modules', '@berth'), { recursive: true });
  symlinkSync(join(packages, 'jest-preset', 'node_modules', 'jiti'), join(jest, 'node_modules', 'jiti'), 'dir');
  symlinkSync(core, join(jest, 'node_modules', '@berth', 'core'), 'dir');
  copies = { root, core, jest };
  return copies;
}

/** Removes the package copies (after the last project of the test file). */
export function removePackageCopies(): void {
  if (copies) rmSync(copies.root, { recursive: true, force: true });
  copies = undefined;
}

export function prepareProject(scenario: string, version: JestVersion): JestProject {
  const template = join(fixtures, 'jest-projects', scenario);
  if (!existsSync(template)) throw new Error(`no jest fixture project ${scenario} in ${template}`);
  const built = packageCopies();
  const dir = mkdtempSync(join(tmpdir(), `berth-jest${version}-${scenario}-`));
  cpSync(template, dir, { recursive: true });
  const install = join(fixtures, `jest-${version}`, 'node_modules');
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '@berth'), { recursive: true });
  for (const entry of readdirSync(install)) {
    if (entry !== '@berth') symlinkSync(join(install, entry), join(modules, entry), 'dir');
  }
  symlinkSync(built.core, join(modules, '@berth', 'core'), 'dir');
  symlinkSync(built.jest, join(modules, '@berth', 'jest'), 'dir');
  const marksFile = join(dir, 'marks.jsonl');
  return {
    dir,
    cli: join(modules, 'jest', 'bin', 'jest.js'),
    marksFile,
    marks: () =>
      existsSync(marksFile)
        ? readFileSync(marksFile, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as Record<string, unknown>)
        : [],
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The environment a fixture run gets on top of the cleaned parent environment. */
export function fixtureEnv(project: JestProject, extra: Record<string, string> = {}): Record<string, string> {
  // CI=true keeps jest from treating a non-TTY as interactive and from clearing the screen.
  return { CI: 'true', BERTH_FIXTURE_MARKS: project.marksFile, ...extra };
}

/** Lines that mean jest or a worker stayed alive after the run: berth must never cause them. */
export const OPEN_HANDLE_REPORTS = [/Jest has detected the following \d+ open handles?/, /Jest did not exit one second after the test run/];
