import { ConfigError, type ServiceDefinition } from '@berth/core';
import { describe, expect, it } from 'vitest';
import { berth, configSource, locateConfigFile } from './plugin.js';

const fake: ServiceDefinition = {
  kind: 'fake',
  image: 'fake:1',
  start: async () => {
    throw new Error('not started in unit tests');
  },
};

describe('configSource', () => {
  it('takes services (and env) inline', () => {
    const env = { URL: () => 'x' };
    expect(configSource({ services: { db: fake }, env })).toEqual({ kind: 'inline', config: { services: { db: fake }, env } });
  });

  it('takes a config file, or looks for one when given nothing', () => {
    expect(configSource({ configFile: 'services.berth.ts' })).toEqual({ kind: 'file', path: 'services.berth.ts' });
    expect(configSource({})).toEqual({ kind: 'file', path: undefined });
  });

  it('refuses services and a config file together, env alone, and bad services', () => {
    expect(() => configSource({ services: { db: fake }, configFile: 'x.ts' })).toThrow(ConfigError);
    expect(() => configSource({ env: { A: () => 'a' } })).toThrow(/`env` without `services`/);
    expect(() => configSource({ services: { db: { image: 'x' } as unknown as ServiceDefinition } })).toThrow(/services\.db/);
  });
});

describe('locateConfigFile', () => {
  const files =
    (...present: string[]) =>
    (path: string) =>
      present.includes(path);

  it('finds the first conventional name in the root', () => {
    expect(locateConfigFile('/p', undefined, files('/p/berth.config.mjs', '/p/berth.config.ts'))).toBe('/p/berth.config.ts');
    expect(locateConfigFile('/p', undefined, files('/p/berth.config.js'))).toBe('/p/berth.config.js');
  });

  it('resolves a named file against the root and insists that it exists', () => {
    expect(locateConfigFile('/p', 'cfg/db.ts', files('/p/cfg/db.ts'))).toBe('/p/cfg/db.ts');
    expect(() => locateConfigFile('/p', 'missing.ts', files())).toThrow(/\/p\/missing\.ts does not exist/);
  });

  it('says what it looked for when nothing is there', () => {
    expect(() => locateConfigFile('/p', undefined, files())).toThrow(/no berth\.config\.ts, berth\.config\.mts, .* in \/p/);
  });
});

describe('berth()', () => {
  it("puts its global setup and setup file first in the project's lists, once", () => {
    const plugin = berth({ services: { db: fake } });
    const config: { test?: { globalSetup?: string | string[]; setupFiles?: string | string[] } } = {
      test: { globalSetup: './migrate.ts', setupFiles: ['./a.ts'] },
    };
    const hook = plugin.config as (c: typeof config) => void;
    hook(config);
    hook(config);
    expect(config.test?.globalSetup).toEqual([expect.stringMatching(/global-setup\.(js|ts)$/), './migrate.ts']);
    expect(config.test?.setupFiles).toEqual([expect.stringMatching(/worker-setup\.(js|ts)$/), './a.ts']);
  });
});
