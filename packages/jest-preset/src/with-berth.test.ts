import { describe, expect, test } from 'vitest';
import { inlineConfig } from './config/inline.js';
import { presetFiles } from './preset.js';
import { withBerth } from './with-berth.js';

describe('withBerth', () => {
  test('adds the preset files and keeps every other field', () => {
    const jest = { preset: 'ts-jest', testMatch: ['**/*.test.ts'], testEnvironmentOptions: { customExportConditions: ['node'] } };
    const result = withBerth(jest);
    expect(result).toMatchObject({ ...presetFiles(), preset: 'ts-jest', testMatch: ['**/*.test.ts'] });
    expect(result.testEnvironmentOptions).toEqual({ customExportConditions: ['node'], berth: {} });
    // The given config is not changed.
    expect(jest).toEqual({ preset: 'ts-jest', testMatch: ['**/*.test.ts'], testEnvironmentOptions: { customExportConditions: ['node'] } });
  });

  test("runs the project's own global hooks and extends its environment", () => {
    const result = withBerth({ globalSetup: './setup.ts', globalTeardown: '<rootDir>/teardown.ts', testEnvironment: 'jsdom' });
    expect(result.testEnvironmentOptions.berth).toEqual({
      globalSetup: './setup.ts',
      globalTeardown: '<rootDir>/teardown.ts',
      environment: 'jsdom',
    });
    // Applying it twice changes nothing more.
    expect(withBerth(result)).toEqual(result);
  });

  test('keeps an inline config in this process and passes its id', () => {
    const config = { services: {} };
    const result = withBerth({}, config);
    const { inline } = result.testEnvironmentOptions.berth as { inline: string };
    expect(inlineConfig(inline)).toBe(config);
  });
});
