import { describe, expect, test } from 'vitest';
import { readJestOptions } from './options.js';

describe('readJestOptions', () => {
  test('no berth key means no options', () => {
    expect(readJestOptions(undefined)).toEqual({ ok: true, options: {} });
    expect(readJestOptions({ customExportConditions: ['node'] })).toEqual({ ok: true, options: {} });
  });

  test('keeps the known string options', () => {
    const berth = {
      configFile: 'test/berth.config.ts',
      environment: 'jsdom',
      globalSetup: './setup.ts',
      globalTeardown: './teardown.ts',
      inline: 'inline-3',
    };
    expect(readJestOptions({ berth })).toEqual({ ok: true, options: berth });
  });

  test('quotes the option and the bad value', () => {
    expect(readJestOptions({ berth: 'yes' })).toEqual({
      ok: false,
      problem: 'expected `testEnvironmentOptions.berth` to be an object, got "yes"',
    });
    expect(readJestOptions({ berth: { configFile: 3 } })).toEqual({
      ok: false,
      problem: 'expected `testEnvironmentOptions.berth.configFile` to be a non-empty string, got 3',
    });
    const unknown = readJestOptions({ berth: { services: {} } });
    expect(unknown.ok).toBe(false);
    expect(unknown.ok ? '' : unknown.problem).toMatch(/unknown option `testEnvironmentOptions.berth.services` \(known: configFile, inline/);
  });
});
