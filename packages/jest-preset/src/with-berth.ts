/**
 * `withBerth(jestConfig, config?)`: berth for a jest config that has a preset of its own (ts-jest's,
 * a framework's) or its own global hooks. It returns a new config; the one given is not changed.
 *
 * - globalSetup / globalTeardown become berth's. The project's own still run, after berth's setup
 *   (so they see the services' env, e.g. to run migrations) and before berth's teardown.
 * - testEnvironment becomes berth's, extending the one the config named (node by default).
 * - The berth config comes from `config` if given (kept in this process, see config/inline.ts),
 *   otherwise from berth.config.* in rootDir.
 *
 * A preset named in the same config is applied by jest after this function ran; where the preset
 * sets globalSetup, globalTeardown or testEnvironment, berth's win and the preset's are not run.
 */
import type { BerthRunConfig } from '@berth/core';
import { keepInline } from './config/inline.js';
import type { BerthJestOptions } from './config/options.js';
import { configError } from './lazy-core.js';
import { type BerthPresetFiles, presetFiles } from './preset.js';

/** The fields of a jest config withBerth looks at; every other field passes through untouched. */
export interface JestConfigFields {
  globalSetup?: string | null | undefined;
  globalTeardown?: string | null | undefined;
  testEnvironment?: string | undefined;
  testEnvironmentOptions?: Record<string, unknown> | undefined;
}

export function withBerth<C extends object>(jestConfig: C, config?: BerthRunConfig): C & BerthPresetFields {
  if (typeof jestConfig !== 'object' || jestConfig === null || Array.isArray(jestConfig)) {
    throw configError({ message: `withBerth(): expected a jest config object, got ${JSON.stringify(jestConfig)}` });
  }
  const fields = jestConfig as JestConfigFields;
  const files = presetFiles();
  const existing = fields.testEnvironmentOptions?.berth;
  if (existing !== undefined && (typeof existing !== 'object' || existing === null)) {
    throw configError({
      message: `withBerth(): expected \`testEnvironmentOptions.berth\` to be an object, got ${JSON.stringify(existing)}`,
    });
  }
  const berth: BerthJestOptions = { ...(existing as BerthJestOptions | undefined) };

  const ownSetup = own(fields.globalSetup, files.globalSetup);
  if (ownSetup) berth.globalSetup = ownSetup;
  const ownTeardown = own(fields.globalTeardown, files.globalTeardown);
  if (ownTeardown) berth.globalTeardown = ownTeardown;
  const ownEnvironment = own(fields.testEnvironment, files.testEnvironment);
  if (ownEnvironment) berth.environment = ownEnvironment;
  if (config !== undefined) {
    if (typeof config !== 'object' || config === null) {
      throw configError({
        message: `withBerth(): expected the berth config to be defineConfig({ services }), got ${JSON.stringify(config)}`,
      });
    }
    berth.inline = keepInline(config);
  }

  return {
    ...jestConfig,
    ...files,
    testEnvironmentOptions: { ...fields.testEnvironmentOptions, berth },
  };
}

export type BerthPresetFields = BerthPresetFiles & { testEnvironmentOptions: Record<string, unknown> };

/** The project's own value of a field berth takes over, unless it is berth's already. */
function own(value: string | null | undefined, berths: string): string | undefined {
  if (value === undefined || value === null || value === '' || value === berths) return undefined;
  return value;
}
