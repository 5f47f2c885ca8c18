import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { resolveBaseEnvironment, runningJestRunner } from './base.js';

const root = mkdtempSync(join(tmpdir(), 'berth-jest-base-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(path: string, text = 'module.exports = class {};\n'): string {
  const full = join(root, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, text);
  return full;
}

describe('resolveBaseEnvironment', () => {
  test('finds the jest-runner package among loaded modules', () => {
    expect(runningJestRunner(['/a/b.js', '/x/node_modules/jest-runner/build/testWorker.js'])).toBe('/x/node_modules/jest-runner');
    expect(runningJestRunner(['/a/b.js'])).toBeUndefined();
  });

  test('takes a path relative to rootDir, with or without <rootDir>', () => {
    const env = file('project/envs/custom.js');
    expect(resolveBaseEnvironment({ name: './envs/custom.js', rootDir: join(root, 'project'), loaded: [] })).toEqual({
      ok: true,
      path: env,
    });
    expect(resolveBaseEnvironment({ name: '<rootDir>/envs/custom.js', rootDir: join(root, 'project'), loaded: [] })).toEqual({
      ok: true,
      path: env,
    });
  });

  test("prefers the project's jest-environment-<name>, then the running jest's", () => {
    const own = file('project/node_modules/jest-environment-jsdom/index.js');
    expect(resolveBaseEnvironment({ name: 'jsdom', rootDir: join(root, 'project'), loaded: [] })).toEqual({ ok: true, path: own });

    // A name no install around has (NODE_PATH, set by pnpm, reaches the workspace's jest-environment-node).
    const jests = file('jest/node_modules/jest-environment-berth-fake/index.js');
    const runner = join(root, 'jest/node_modules/jest-runner/build/testWorker.js');
    expect(resolveBaseEnvironment({ name: 'berth-fake', rootDir: join(root, 'project'), loaded: [runner] })).toEqual({
      ok: true,
      path: jests,
    });
  });

  test('lists what it tried', () => {
    const result = resolveBaseEnvironment({ name: 'happy-dom', rootDir: join(root, 'empty'), loaded: [] });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.tried).toEqual([
      `jest-environment-happy-dom from ${join(root, 'empty')}`,
      `happy-dom from ${join(root, 'empty')}`,
      'the running jest (no jest-runner module found in this process)',
    ]);
  });
});
