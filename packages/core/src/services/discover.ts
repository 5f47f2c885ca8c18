/**
 * Where a run's services come from, one rule for every runner: given inline (the vitest plugin's
 * options, withBerth's second argument), or a file — the one named (`configFile`, resolved against
 * the project root; it must exist), else exactly one of `berth.config.{ts,mts,cts,js,mjs,cjs}` in
 * the root (two of them is an error: which one would win is not obvious).
 *
 * Loading a file is the runner's business, through `importModule`: each runner already has a loader
 * that understands TypeScript the way the project's tests do (vitest: the project's module runner;
 * jest: jiti, bound to the adapter's own copy of core). Core itself carries no TypeScript loader;
 * without one it uses Node's `import()` (plain JavaScript, or TypeScript on a Node that strips types).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../errors.js';
import { type BerthRunConfig, validateRunConfig } from './config.js';

export const CONFIG_FILE_NAMES = [
  'berth.config.ts',
  'berth.config.mts',
  'berth.config.cts',
  'berth.config.js',
  'berth.config.mjs',
  'berth.config.cjs',
] as const;

export type ConfigSource =
  | { kind: 'inline'; config: unknown /** For messages: "berth() options", "withBerth(jestConfig, config)". */; source: string }
  | { kind: 'file'; root: string /** Named by the user; otherwise discovered in `root`. */; configFile?: string | undefined };

export interface LoadedRunConfig {
  config: BerthRunConfig;
  /** A file path or the inline source's name. */
  source: string;
}

export type ImportModule = (path: string) => Promise<unknown>;

export const nativeImport: ImportModule = (path) => import(pathToFileURL(path).href);

/** The config file to load: the one named (it must exist), else the one conventional name present. */
export function findConfigFile(root: string, named?: string, exists: (path: string) => boolean = existsSync): string {
  if (named !== undefined) {
    if (typeof named !== 'string' || named === '') {
      throw new ConfigError(`expected \`configFile\` to be a path, got ${JSON.stringify(named)}`);
    }
    const path = isAbsolute(named) ? named : resolve(root, named);
    if (!exists(path)) {
      throw new ConfigError(`berth config file ${path} does not exist`, { hint: 'configFile is resolved against the project root' });
    }
    return path;
  }
  const found = CONFIG_FILE_NAMES.map((name) => resolve(root, name)).filter((path) => exists(path));
  if (found.length === 1) return found[0] as string;
  if (found.length > 1) {
    throw new ConfigError(`found ${found.length} berth config files in ${root} (${found.join(', ')}); keep one`, {
      hint: 'or name the one to use with `configFile`',
      details: { files: found },
    });
  }
  throw new ConfigError(`no berth config in ${root}: expected one of ${CONFIG_FILE_NAMES.join(', ')}`, {
    hint: 'create berth.config.ts with `export default defineConfig({ services: { db: postgres() } })`, or declare the services inline',
  });
}

/** Finds, loads and validates the config. */
export async function loadRunConfig(source: ConfigSource, importModule: ImportModule = nativeImport): Promise<LoadedRunConfig> {
  if (source.kind === 'inline') return { config: validateRunConfig(source.config, source.source), source: source.source };
  const file = findConfigFile(source.root, source.configFile);
  let loaded: unknown;
  try {
    loaded = await importModule(file);
  } catch (error) {
    throw new ConfigError(`loading berth config file ${file} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return { config: validateRunConfig(loaded, file), source: file };
}
