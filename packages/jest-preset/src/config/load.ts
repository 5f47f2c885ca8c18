/**
 * The run's berth config in jest's main process: inline (withBerth), else core's one discovery rule
 * (`configFile`, or the one `berth.config.{ts,mts,cts,js,mjs,cjs}` in rootDir).
 *
 * Files load through jiti, TypeScript or not, so a config loads without the user adding a loader,
 * whatever jest's own transform is, and its `@berth/core` imports are this package's own (see
 * jiti.ts): one session, one error class hierarchy.
 */
import { ConfigError } from '@berth/core';
import { type LoadedRunConfig, loadRunConfig as loadWithCore } from '@berth/core/adapter';
import { inlineConfig } from './inline.js';
import { configLoader } from './jiti.js';
import type { BerthJestOptions } from './options.js';

export type LoadedConfig = LoadedRunConfig;

export async function loadRunConfig(rootDir: string, options: BerthJestOptions): Promise<LoadedConfig> {
  if (options.inline !== undefined) {
    const config = inlineConfig(options.inline);
    if (!config) {
      throw new ConfigError(`the berth config passed to withBerth() (${options.inline}) is not known in this process`, {
        hint: 'withBerth keeps inline configs in the process that loaded the jest config; with a config that jest loads elsewhere, use berth.config.ts instead',
      });
    }
    return loadWithCore({ kind: 'inline', config, source: 'withBerth(jestConfig, config)' });
  }
  return loadWithCore({ kind: 'file', root: rootDir, configFile: options.configFile }, (file) =>
    configLoader().import(file, { default: true }),
  );
}
