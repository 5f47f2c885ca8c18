import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { keepInline } from './inline.js';
import { loadRunConfig } from './load.js';

const root = mkdtempSync(join(tmpdir(), 'berth-jest-load-'));
const packageModules = join(dirname(fileURLToPath(import.meta.url)), '../../node_modules');
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A project directory with the given files and this package's dependencies as its node_modules. */
function projectWith(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  symlinkSync(packageModules, join(dir, 'node_modules'), 'dir');
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

const fakeService = `{ kind: 'fake', image: 'none', start: async () => { throw new Error('not started in this test'); } }`;

describe('loadRunConfig', () => {
  test('loads a TypeScript config with imports, without a loader of its own', async () => {
    const dir = projectWith('ts', {
      'berth.config.ts': `import { defineConfig, type ServiceDefinition } from '@berth/core';
const fake: ServiceDefinition = ${fakeService};
export default defineConfig({ services: { fake }, env: { FAKE: () => 'x' } });
`,
    });
    const { config, source } = await loadRunConfig(dir, {});
    expect(source).toBe(join(dir, 'berth.config.ts'));
    expect(Object.keys(config.services)).toEqual(['fake']);
    expect(typeof config.env?.FAKE).toBe('function');
  });

  test('loads an ES module config and an explicit configFile', async () => {
    const dir = projectWith('esm', { 'services.mjs': `export default { services: { fake: ${fakeService} } };\n` });
    const { config } = await loadRunConfig(dir, { configFile: 'services.mjs' });
    expect(config.services.fake?.kind).toBe('fake');
  });

  test('explains a missing, ambiguous or broken config', async () => {
    await expect(loadRunConfig(projectWith('none', {}), {})).rejects.toMatchObject({
      code: 'BERTH_CONFIG_ERROR',
      message: expect.stringMatching(/no berth config in .*: expected one of berth.config.ts, berth.config.mts, berth.config.cts/),
    });
    const two = projectWith('two', { 'berth.config.ts': 'export default {};', 'berth.config.js': 'module.exports = {};' });
    await expect(loadRunConfig(two, {})).rejects.toThrow(/found 2 berth config files/);
    await expect(loadRunConfig(two, { configFile: 'nope.ts' })).rejects.toThrow(/berth config file .*nope.ts does not exist/);
    const broken = projectWith('broken', { 'berth.config.ts': "throw new Error('bad config');\n" });
    await expect(loadRunConfig(broken, {})).rejects.toThrow(/loading berth config file .*berth.config.ts failed: bad config/);
    const shapeless = projectWith('shapeless', { 'berth.config.ts': 'export default { services: [] };\n' });
    await expect(loadRunConfig(shapeless, {})).rejects.toThrow(/expected `services` in .* to be an object/);
  });

  test('takes an inline config by id, and says so when the id is unknown', async () => {
    const id = keepInline({ services: {} });
    expect((await loadRunConfig(root, { inline: id })).source).toBe('withBerth(jestConfig, config)');
    await expect(loadRunConfig(root, { inline: 'inline-0' })).rejects.toThrow(/is not known in this process/);
  });
});

describe('the config and this package share one @berth/core', () => {
  test("a config's `@berth/core` imports resolve to the CommonJS build this package requires", async () => {
    const { createRequire } = await import('node:module');
    const ours = createRequire(import.meta.url)('@berth/core') as typeof import('@berth/core');
    const dir = projectWith('shared', {
      'berth.config.ts': `import { ConfigError, defineConfig } from '@berth/core';
export const errorClass = ConfigError;
export default defineConfig({ services: {} });
`,
    });
    const { configLoader } = await import('./jiti.js');
    const loaded = (await configLoader().import(join(dir, 'berth.config.ts'))) as { errorClass: unknown };
    expect(loaded.errorClass).toBe(ours.ConfigError);
  });
});
