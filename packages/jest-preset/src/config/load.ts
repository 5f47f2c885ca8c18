/**
 * Finds and loads the run's berth config in jest's main process: inline (withBerth), an explicit
 * `configFile`, or `berth.config.{ts,mts,js,mjs,cjs}` in the project's rootDir.
 *
 * Every file goes through jiti, TypeScript or not, so a config loads without the user adding a
 * loader, whatever jest's own transform is, and its `@berth/core` imports are this package's own
 * (see jiti.ts): one session, one error class hierarchy.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { type BerthRunConfig, ConfigError, validateRunConfig } from '@berth/core';
import { inlineConfig } from './inline.js';
import { configLoader } from './jiti.js';
import type { BerthJestOptions } from './options.js';

export const CONFIG_NAMES = ['berth.config.ts', 'berth.config.mts', 'berth.config.js', 'berth.config.mjs', 'berth.config.cjs'] as const;

export interface LoadedConfig {
  config: BerthRunConfig;
  /** Where it came from, for messages: a file path or "withBerth(...)". */
  source: string;
}

export async function loadRunConfig(rootDir: string, options: BerthJestOptions): Promise<LoadedConfig> {
  if (options.inline !== undefined) {
    const config = inlineConfig(options.inline);
    if (!config) {
      throw new ConfigError(`the berth config passed to withBerth() (${options.inline}) is not known in this process`, {
        hint: 'withBerth keeps inline configs in the process that loaded the jest config; with a config that jest loads elsewhere, use berth.config.ts instead',
      });
    }
    return { config: validateRunConfig(config, 'withBerth(jestConfig, config)'), source: 'withBerth(jestConfig, config)' };
  }
  const file = options.configFile === undefined ? findConfigFile(rootDir) : explicitFile(rootDir, options.configFile);
  return { config: validateRunConfig(await importConfig(file), file), source: file };
}

function explicitFile(rootDir: string, configFile: string): string {
  const file = isAbsolute(configFile) ? configFile : resolve(rootDir, configFile);
  if (!existsSync(file)) {
    throw new ConfigError(`the berth config file ${file} does not exist`, {
      hint: 'testEnvironmentOptions.berth.configFile is resolved against the jest rootDir',
      details: { rootDir },
    });
  }
  return file;
}

export function findConfigFile(rootDir: string): string {
  const found = CONFIG_NAMES.map((name) => join(rootDir, name)).filter((path) => existsSync(path));
  if (found.length === 1) return found[0] as string;
  if (found.length > 1) {
    throw new ConfigError(`found ${found.length} berth config files in ${rootDir}; keep one`, { details: { files: found } });
  }
  throw new ConfigError(`no berth config in ${rootDir}: expected one of ${CONFIG_NAMES.join(', ')}`, {
    hint: 'create berth.config.ts with `export default defineConfig({ services: { db: postgres() } })`, or pass the config to withBerth(jestConfig, config)',
  });
}

async function importConfig(file: string): Promise<unknown> {
  try {
    return await configLoader().import(file, { default: true });
  } catch (error) {
    throw new ConfigError(`loading the berth config ${file} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}
