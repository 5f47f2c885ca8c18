/**
 * The declaration both runners read: `berth.config.ts` exports `defineConfig({ services, env })`, or
 * the same object is passed inline to the vitest plugin or the jest preset.
 */
import { ConfigError } from '../errors.js';
import { checker, type KnownKeys } from '../spec/check.js';
import type { ServiceDefinition, ServicesDetails } from './definition.js';
import { type KeepMode, parseKeep } from './keep.js';

/** What an `env` function may return: numbers and booleans are set as their string form (`5432`, `true`). */
export type EnvValue = string | number | boolean;

export interface BerthRunConfig<S extends Record<string, ServiceDefinition> = Record<string, ServiceDefinition>> {
  services: S;
  /**
   * Environment variables for the code under test, computed from the running services' details,
   * e.g. `{ DATABASE_URL: (s) => s.db.url, POSTGRES_PORT: (s) => s.db.port }`. Set in the runner's
   * main process before workers start; numbers and booleans become their string form.
   */
  env?: Record<string, (services: ServicesDetails<S>) => EnvValue>;
  /**
   * What a test's fresh slices become when it ends: `'off'` (default) resets or drops them,
   * `'failed'` keeps those of a failing test (named with a URL in its failure output; the services
   * holding them stay running after the run until `berth prune` or the reuse TTL), `'all'` keeps
   * every one. BERTH_KEEP overrides it for one run; under CI only BERTH_KEEP counts.
   */
  keep?: KeepMode;
}

/** The string an `env` function's result is set as; anything but a string, number or boolean is refused. */
export function envString(key: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
  const shown = typeof value === 'number' ? String(value) : value === null ? 'null' : typeof value;
  throw new ConfigError(`expected \`env.${key}\` to return a string, a finite number or a boolean, got ${shown}`, {
    hint: `return the value to set, e.g. env: { ${key}: (s) => s.db.url }`,
  });
}

const RUN_CONFIG_KEYS: KnownKeys<BerthRunConfig> = { services: true, env: true, keep: true };

/** Identity function that gives a config file its types. */
export function defineConfig<S extends Record<string, ServiceDefinition>>(config: BerthRunConfig<S>): BerthRunConfig<S> {
  return config;
}

/** Checks the shape of a config loaded from a file or passed inline. */
export function validateRunConfig(value: unknown, source: string): BerthRunConfig {
  const config = (value as { default?: unknown })?.default ?? value;
  if (typeof config !== 'object' || config === null) {
    throw new ConfigError(`expected ${source} to export a berth config object, got ${typeof config}`, {
      hint: "export default defineConfig({ services: { db: postgres() } }) from '@berth/core'",
    });
  }
  checker().keys(config as Record<string, unknown>, RUN_CONFIG_KEYS, source);
  const services = (config as { services?: unknown }).services;
  if (typeof services !== 'object' || services === null || Array.isArray(services)) {
    throw new ConfigError(`expected \`services\` in ${source} to be an object of service definitions`, {
      hint: 'services: { db: postgres({ image: "postgres:15" }) }',
    });
  }
  for (const [name, definition] of Object.entries(services)) {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) {
      throw new ConfigError(`expected service name ${JSON.stringify(name)} in ${source} to be an identifier`);
    }
    if (typeof (definition as ServiceDefinition)?.start !== 'function') {
      throw new ConfigError(
        `expected \`services.${name}\` in ${source} to be a service such as postgres() or redis(), got ${JSON.stringify(definition)}`,
      );
    }
  }
  const env = (config as { env?: unknown }).env;
  if (env !== undefined) {
    if (typeof env !== 'object' || env === null) throw new ConfigError(`expected \`env\` in ${source} to be an object of functions`);
    for (const [key, fn] of Object.entries(env)) {
      if (typeof fn !== 'function') throw new ConfigError(`expected \`env.${key}\` in ${source} to be a function of the services' details`);
    }
  }
  const keep = (config as { keep?: unknown }).keep;
  if (keep !== undefined) parseKeep(keep, `\`keep\` in ${source}`);
  return config as BerthRunConfig;
}
