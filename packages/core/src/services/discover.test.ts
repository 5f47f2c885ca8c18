import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { CONFIG_FILE_NAMES, findConfigFile, loadRunConfig } from './discover.js';

const files =
  (...present: string[]) =>
  (path: string) =>
    present.includes(path);

const fake = { kind: 'fake', image: 'fake:1', start: async () => Promise.reject(new Error('not started')) };

describe('findConfigFile', () => {
  it('knows every extension, TypeScript and JavaScript, ESM and CommonJS', () => {
    expect(CONFIG_FILE_NAMES.map((name) => name.slice('berth.config.'.length))).toEqual(['ts', 'mts', 'cts', 'js', 'mjs', 'cjs']);
    for (const name of CONFIG_FILE_NAMES) expect(findConfigFile('/p', undefined, files(`/p/${name}`))).toBe(`/p/${name}`);
  });

  it('refuses two config files instead of picking one', () => {
    expect(() => findConfigFile('/p', undefined, files('/p/berth.config.ts', '/p/berth.config.cjs'))).toThrow(
      /found 2 berth config files in \/p .*keep one/,
    );
  });

  it('resolves a named file against the root and insists that it exists', () => {
    expect(findConfigFile('/p', 'cfg/db.ts', files('/p/cfg/db.ts'))).toBe('/p/cfg/db.ts');
    expect(() => findConfigFile('/p', 'missing.ts', files())).toThrow(/\/p\/missing\.ts does not exist/);
  });

  it('says what it looked for when nothing is there', () => {
    const error = (() => {
      try {
        findConfigFile('/p', undefined, files());
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/no berth config in \/p: expected one of berth\.config\.ts, .*berth\.config\.cjs/);
  });
});

describe('loadRunConfig', () => {
  it('loads through the runner’s importer and validates the default export', async () => {
    const loaded = await loadRunConfig({ kind: 'file', root: '/p', configFile: '/p/x.ts' }, async (path) => {
      expect(path).toBe('/p/x.ts');
      return { default: { services: { db: fake } } };
    }).catch((e: unknown) => e);
    // /p/x.ts does not exist on this machine: the rule is checked before the importer runs.
    expect(loaded).toBeInstanceOf(ConfigError);
  });

  it('validates inline configs and names their source', async () => {
    await expect(loadRunConfig({ kind: 'inline', config: { services: { db: fake } }, source: 'berth() options' })).resolves.toMatchObject({
      source: 'berth() options',
    });
    await expect(loadRunConfig({ kind: 'inline', config: { services: { db: {} } }, source: 'berth() options' })).rejects.toThrow(
      /services\.db.*berth\(\) options/,
    );
  });

  it('wraps a failing import in a ConfigError that names the file', async () => {
    const root = new URL('.', import.meta.url).pathname;
    const error = await loadRunConfig({ kind: 'file', root, configFile: 'discover.ts' }, async () => {
      throw new SyntaxError('Unexpected token');
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/loading berth config file .*discover\.ts failed: Unexpected token/);
  });
});
