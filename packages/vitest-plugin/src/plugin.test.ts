import { ConfigError, type ServiceDefinition } from '@berth/core';
import { describe, expect, it } from 'vitest';
import { berth, configSource } from './plugin.js';

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
    expect(configSource({ services: { db: fake }, env })).toEqual({
      kind: 'inline',
      config: { services: { db: fake }, env },
      source: 'berth() options',
    });
  });

  it('takes a config file, or looks for one when given nothing', () => {
    expect(configSource({ configFile: 'services.berth.ts' })).toEqual({ kind: 'file', root: '.', configFile: 'services.berth.ts' });
    expect(configSource({})).toEqual({ kind: 'file', root: '.' });
  });

  it('refuses services and a config file together, env alone, and bad services', () => {
    expect(() => configSource({ services: { db: fake }, configFile: 'x.ts' })).toThrow(ConfigError);
    expect(() => configSource({ env: { A: () => 'a' } })).toThrow(/`env` or `keep` without `services`/);
    expect(() => configSource({ services: { db: { image: 'x' } as unknown as ServiceDefinition } })).toThrow(/services\.db/);
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
