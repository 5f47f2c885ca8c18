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
import { fileURLToPath } from 'node:url';
import type { BerthRunConfig, ServiceDefinition } from '@berth/core';
import { ConfigError } from '@berth/core';
import { type ConfigSource, loadRunConfig, startRun, validateRunConfig } from '@berth/core/adapter';
import type { TestProject, Vite } from 'vitest/node';
import './public/provided.js';
import { registry } from './registry.js';
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
   * `'failed'` keeps the fresh slices of failing tests (named in their failure output) and leaves
   * the services holding them running after the run; `'all'` keeps every slice. Default `'off'`;
   * BERTH_KEEP overrides it for one run. See docs/lifecycle.md.
   */
  keep?: BerthRunConfig<S>['keep'];
  /**
   * A file whose default export is `defineConfig({ services, env })`, relative to the project root.
   * Without `services` and `configFile`, the plugin looks for berth.config.{ts,mts,cts,js,mjs,cjs}
   * there (core's one rule, the same as @berth/jest's).
   */
  configFile?: string;
}

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
      const resolved: ConfigSource = source.kind === 'file' ? { ...source, root: project.config.root } : source;
      shared ??= sharedRun((first: TestProject) =>
        startRun({
          // Through the project's module runner: TypeScript config files load like test files do.
          load: async () => (await loadRunConfig(resolved, (path) => first.import(path))).config,
          ...workersOf(first),
        }),
      );
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
  const { services, env, configFile, keep } = options;
  if (configFile !== undefined) {
    if (services !== undefined || env !== undefined || keep !== undefined) {
      throw new ConfigError('berth() takes either `services` (with `env`, `keep`) or `configFile`, not both', {
        hint: 'move the services into the config file, or drop `configFile`',
      });
    }
    if (typeof configFile !== 'string' || configFile === '') {
      throw new ConfigError(`expected \`configFile\` in berth() options to be a path, got ${JSON.stringify(configFile)}`);
    }
    return { kind: 'file', root: '.', configFile };
  }
  if (services === undefined) {
    if (env !== undefined || keep !== undefined)
      throw new ConfigError('berth() was given `env` or `keep` without `services`', {
        hint: 'declare them next to the services, inline or in berth.config.*',
      });
    return { kind: 'file', root: '.' };
  }
  return {
    kind: 'inline',
    config: validateRunConfig({ services, env, ...(keep === undefined ? {} : { keep }) }, 'berth() options'),
    source: 'berth() options',
  };
}

/** How many test files vitest runs at once, when the project says. */
function workersOf(project: TestProject): { workers?: number } {
  const max = (project.config as { maxWorkers?: unknown }).maxWorkers;
  return typeof max === 'number' && max > 0 ? { workers: max } : {};
}

function prepend(file: string, list: string | string[] | undefined): string[] {
  const rest = list === undefined ? [] : Array.isArray(list) ? list : [list];
  return [file, ...rest.filter((entry) => entry !== file)];
}
