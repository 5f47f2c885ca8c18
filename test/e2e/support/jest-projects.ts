/**
 * Fixture projects for the @berth/jest e2e tests.
 *
 * A scenario lives once in fixtures/jest-projects/<name>. Each run copies it into a fresh temporary
 * directory whose `node_modules` is a link to one jest version's install (fixtures/jest-29 or
 * fixtures/jest-30, workspace packages listing jest, ts-jest, @swc/jest, pg and @berth/jest). The
 * copy is a standalone project the way a user has one, with nothing shared between runs or versions;
 * the source tree is never written to.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

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

/** Checks once that what the fixtures load exists: built packages and installed jest versions. */
export function assertPrerequisites(): void {
  const root = join(fixtures, '..', '..', '..');
  const missing = [
    join(root, 'packages/core/dist/index.cjs'),
    join(root, 'packages/jest-preset/dist/global-setup.cjs'),
    ...JEST_VERSIONS.map((version) => join(fixtures, `jest-${version}/node_modules/jest/bin/jest.js`)),
  ].filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new Error(
      `the jest e2e tests need the built packages and the fixture installs (pnpm install && pnpm build); missing:\n  ${missing.join('\n  ')}`,
    );
  }
}

export function prepareProject(scenario: string, version: JestVersion): JestProject {
  const template = join(fixtures, 'jest-projects', scenario);
  if (!existsSync(template)) throw new Error(`no jest fixture project ${scenario} in ${template}`);
  const dir = mkdtempSync(join(tmpdir(), `berth-jest${version}-${scenario}-`));
  cpSync(template, dir, { recursive: true });
  const install = join(fixtures, `jest-${version}`, 'node_modules');
  symlinkSync(install, join(dir, 'node_modules'), 'dir');
  const marksFile = join(dir, 'marks.jsonl');
  return {
    dir,
    cli: join(install, 'jest', 'bin', 'jest.js'),
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
