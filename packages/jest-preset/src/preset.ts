/**
 * The files jest loads by path: the same three for `preset: '@berth/jest'` (jest-preset.js) and for
 * withBerth(). They are CommonJS (.cjs), which every jest transform pattern leaves alone and which
 * shares one @berth/core with the config file jiti loads (see config/load.ts).
 */
import { fileURLToPath } from 'node:url';

export interface BerthPresetFiles {
  globalSetup: string;
  globalTeardown: string;
  testEnvironment: string;
}

export function presetFiles(): BerthPresetFiles {
  const file = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));
  return {
    globalSetup: file('global-setup.cjs'),
    globalTeardown: file('global-teardown.cjs'),
    testEnvironment: file('environment.cjs'),
  };
}
