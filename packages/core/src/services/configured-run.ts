/**
 * A run started from the project's berth.config.* by something that is not a runner with a loader
 * of its own: `berth run`, mocha's global setup, node:test's global setup.
 *
 * The config is loaded with what the project has (config-import.ts), and the run's lifecycle is
 * taken from the build of core that the config's own `@berth/core` imports meet: CommonJS when jiti
 * loads the config (its imports are aliased there), ES otherwise. One copy of core then owns the
 * session, the services and the error classes. At run time this file is part of core's dist/,
 * next to dist/adapter.{js,cjs}.
 */
import { createRequire } from 'node:module';
import type * as Adapter from '../public/adapter.js';
import { configLoader } from './config-import.js';
import { findConfigFile } from './discover.js';
import { importNative } from './native-import.js';
import type { StartedRun } from './run.js';
import { runVariables } from './run-env.js';

type AdapterModule = typeof Adapter;

export interface ConfiguredRunOptions {
  /** Where berth.config.* is looked for. Default process.cwd(). */
  root?: string;
  /** A config file to load instead (resolved against `root`). */
  configFile?: string | undefined;
  /** Processes that take slices at once; sizes the isolation pools. */
  workers?: number | undefined;
  signal?: AbortSignal;
}

export interface ConfiguredRun extends StartedRun {
  /** BERTH_SERVICES and the broker's address, for the processes the run serves (see run-env.ts). */
  readonly variables: Readonly<Record<string, string>>;
}

async function lifecycle(build: 'cjs' | 'esm'): Promise<AdapterModule> {
  if (build === 'cjs') return createRequire(import.meta.url)('./adapter.cjs') as AdapterModule;
  return (await importNative(new URL('./adapter.js', import.meta.url).href)) as AdapterModule;
}

/** Loads the project's config, starts its services (setting its `env` in this process), returns the run. */
export async function startConfiguredRun(options: ConfiguredRunOptions = {}): Promise<ConfiguredRun> {
  const root = options.root ?? process.cwd();
  const file = findConfigFile(root, options.configFile);
  const loader = await configLoader(file, root);
  const core = await lifecycle(loader.build);
  const run = await core.startRun({
    load: async () => (await core.loadRunConfig({ kind: 'file', root, configFile: file }, loader.import)).config,
    ...(options.workers ? { workers: options.workers } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { handoff: run.handoff, stop: run.stop, variables: runVariables(run.handoff) };
}
