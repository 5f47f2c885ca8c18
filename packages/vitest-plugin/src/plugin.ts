/// <reference types="vitest/config" />
/**
 * The vitest plugin. It translates vitest's lifecycle into core calls and does nothing else:
 *
 * - `config`: puts berth's global setup (main process) and setup file (workers) first in the
 *   project's lists, so the user's own global setup already sees the services and their env.
 * - `configureVitest`: leaves a hook for this TestProject in the process-global registry.
 * - the global setup (only run by vitest for a project with tests to run) calls that hook: it loads
 *   the config, opens the run's berth session, starts the services in parallel, provides the
 *   hand-off (`inject('berth')`) and returns the teardown, which stops them in reverse order.
 *
 * Projects that share one plugin instance share one set of services.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BerthRunConfig, ConfigError, type ServiceDefinition, validateRunConfig } from '@berth/core';
import type { TestProject, Vite } from 'vitest/node';
import './public/provided.js';
import { registry } from './registry.js';
import { startRun } from './run.js';
import { type SharedRun, sharedRun } from './shared-run.js';

export interface BerthPluginOptions<S extends Record<string, ServiceDefinition> = Record<string, ServiceDefinition>> {
  /** The services this project's tests need, e.g. `{ db: postgres(), cache: redis() }`. */
  services?: S;
  /**
   * Environment variables computed from the running services, e.g. `{ DATABASE_URL: (s) => s.db.url }`.
   * Set in the main process before the workers start, and in every worker of the project.
   */
  env?: BerthRunConfig<S>['env'];
  /**
   * A file whose default export is `defineConfig({ services, env })`, relative to the project root.
   * Without `services` and `configFile`, the plugin looks for berth.config.{ts,mts,js,mjs} there.
   */
  configFile?: string;
}

export const CONFIG_FILE_NAMES = ['berth.config.ts', 'berth.config.mts', 'berth.config.js', 'berth.config.mjs'] as const;

/** Where the services come from: given inline, or a file loaded when the project first runs. */
export type ConfigSource = { kind: 'inline'; config: BerthRunConfig } | { kind: 'file'; path: string | undefined };

const GLOBAL_SETUP = fileURLToPath(new URL('./global-setup.js', import.meta.url));
const WORKER_SETUP = fileURLToPath(new URL('./worker-setup.js', import.meta.url));

export function berth<S extends Record<string, ServiceDefinition>>(options: BerthPluginOptions<S> = {}): Vite.Plugin {
  const source = configSource(options as BerthPluginOptions);
  let shared: SharedRun<TestProject> | undefined;
  return {
    name: 'berth',
    config(config) {
      config.test ??= {};
      const test = config.test;
      test.globalSetup = prepend(GLOBAL_SETUP, test.globalSetup);
      test.setupFiles = prepend(WORKER_SETUP, test.setupFiles);
    },
    configureVitest({ project }) {
      const root = project.config.root;
      const resolved: ConfigSource = source.kind === 'file' ? { kind: 'file', path: locateConfigFile(root, source.path) } : source;
      shared ??= sharedRun((first: TestProject) => startRun(() => loadConfig(first, resolved)));
      const run = shared;
      registry().hooks.set(project, (p) => run.join(p as TestProject));
    },
  };
}

/** Checks the options' shape; services given inline are validated here, a file when it is loaded. */
export function configSource(options: BerthPluginOptions): ConfigSource {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError(`expected berth() options to be an object, got ${JSON.stringify(options)}`);
  }
  const { services, env, configFile } = options;
  if (configFile !== undefined) {
    if (services !== undefined || env !== undefined) {
      throw new ConfigError('berth() takes either `services` (and `env`) or `configFile`, not both', {
        hint: 'move the services into the config file, or drop `configFile`',
      });
    }
    if (typeof configFile !== 'string' || configFile === '') {
      throw new ConfigError(`expected \`configFile\` in berth() options to be a path, got ${JSON.stringify(configFile)}`);
    }
    return { kind: 'file', path: configFile };
  }
  if (services === undefined) {
    if (env !== undefined) throw new ConfigError('berth() was given `env` without `services`');
    return { kind: 'file', path: undefined };
  }
  return { kind: 'inline', config: validateRunConfig({ services, env }, 'berth() options') };
}

/** The config file to load: the one named (it must exist), else the first conventional name found. */
export function locateConfigFile(root: string, named: string | undefined, exists: (path: string) => boolean = existsSync): string {
  if (named !== undefined) {
    const path = isAbsolute(named) ? named : resolve(root, named);
    if (!exists(path))
      throw new ConfigError(`berth config file ${path} does not exist`, { hint: 'configFile is resolved against the project root' });
    return path;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const path = resolve(root, name);
    if (exists(path)) return path;
  }
  throw new ConfigError(`berth() found no services: no ${CONFIG_FILE_NAMES.join(', ')} in ${root}`, {
    hint: 'declare them inline, berth({ services: { db: postgres() } }), or export default defineConfig({ services }) from berth.config.ts',
  });
}

function prepend(file: string, list: string | string[] | undefined): string[] {
  const rest = list === undefined ? [] : Array.isArray(list) ? list : [list];
  return [file, ...rest.filter((entry) => entry !== file)];
}

async function loadConfig(project: TestProject, source: ConfigSource): Promise<BerthRunConfig> {
  if (source.kind === 'inline') return source.config;
  const path = source.path as string;
  let loaded: unknown;
  try {
    // Through the project's module runner: TypeScript config files load like test files do.
    loaded = await project.import(path);
  } catch (error) {
    throw new ConfigError(`loading berth config file ${path} failed: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  }
  return validateRunConfig(loaded, path);
}
