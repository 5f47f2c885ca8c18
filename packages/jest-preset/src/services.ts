/**
 * The test-facing side: the running services' connection details, and fresh slices of them.
 * Evaluated inside jest's sandbox for every test file, so it imports nothing heavy (see lazy-core.ts).
 */
import type { Handoff, ServiceDefinition, ServiceDetailsBase, ServicesDetails } from '@berth/core';
import type { PostgresDetails } from '@berth/core/postgres';
import type { RedisDetails } from '@berth/core/redis';
import { findBridge } from './bridge.js';
import type { LeaseScope } from './environment/leases.js';
import { readHandoff } from './handoff.js';
import { configError } from './lazy-core.js';

/**
 * Connection details by service kind. Modules outside @berth/core add theirs by declaration merging:
 * `declare module '@berth/jest' { interface ServiceKinds { mongo: MongoDetails } }`.
 */
export interface ServiceKinds {
  postgres: PostgresDetails;
  redis: RedisDetails;
}

export type ServiceKind = keyof ServiceKinds;

/** The details of any known kind; narrow with `details.kind === 'postgres'`. */
export type AnyServiceDetails = ServiceKinds[ServiceKind];

export interface FreshDatabaseOptions {
  /**
   * How long the slice is yours:
   * - `'test'`: until the current test is done (after its afterEach hooks);
   * - `'file'`: until the test file is done (after its afterAll hooks);
   * - `'worker'`: the same slice for every file this worker runs (released when the run ends).
   *
   * Default: `'test'` when called while a test runs (in the test or a beforeEach/afterEach hook),
   * `'file'` elsewhere (a beforeAll hook, top-level code).
   */
  per?: LeaseScope;
}

const NOT_CONFIGURED_HINT =
  "set `preset: '@berth/jest'` (or wrap the config in withBerth()) in the jest config and declare the services in berth.config.ts";

function handoff(): Handoff {
  const read = readHandoff();
  if (read.ok) return read.handoff;
  throw configError({
    message:
      read.reason === 'missing'
        ? 'no berth services in this test run: the berth globalSetup did not run'
        : 'the berth hand-off in BERTH_JEST_HANDOFF is not valid JSON (was it changed by hand?)',
    hint: NOT_CONFIGURED_HINT,
  });
}

function lookUp(name: string, kind: string | undefined): ServiceDetailsBase {
  const { services } = handoff();
  const details = Object.hasOwn(services, name) ? (services as Record<string, ServiceDetailsBase>)[name] : undefined;
  if (!details) {
    const declared = Object.keys(services);
    throw configError({
      message: `no service named ${JSON.stringify(name)} in the berth config`,
      hint: declared.length > 0 ? `declared services: ${declared.join(', ')}` : 'the berth config declares no services',
      service: name,
    });
  }
  if (kind !== undefined && details.kind !== kind) {
    throw configError({ message: `service ${JSON.stringify(name)} is a ${details.kind} service, not ${kind}`, service: name });
  }
  return details;
}

/**
 * Connection details of a declared service, e.g. `service('db', 'postgres').url`. Without a kind the
 * result is a union to narrow by `kind`. These point at the service's main database, shared by every
 * test of the run; see freshDatabase() for one of your own.
 */
export function service<K extends ServiceKind>(name: string, kind: K): ServiceKinds[K];
export function service(name: string): AnyServiceDetails;
export function service(name: string, kind?: string): ServiceDetailsBase {
  return lookUp(name, kind);
}

/**
 * Every declared service's details. Pass the config's type for exact types:
 * `services<typeof config>()` with `import type config from '../berth.config'`.
 */
export function services<
  C extends { services: Record<string, ServiceDefinition> } = { services: Record<string, ServiceDefinition> },
>(): ServicesDetails<C['services']> {
  return handoff().services as ServicesDetails<C['services']>;
}

/**
 * A slice of a service nobody else uses: a fresh postgres database cloned from the template, a
 * redis logical database of its own. Given back automatically (see FreshDatabaseOptions.per).
 */
export function freshDatabase<K extends ServiceKind>(name: string, kind: K, options?: FreshDatabaseOptions): Promise<ServiceKinds[K]>;
export function freshDatabase(name: string, options?: FreshDatabaseOptions): Promise<AnyServiceDetails>;
export async function freshDatabase(
  name: string,
  kindOrOptions?: string | FreshDatabaseOptions,
  maybeOptions?: FreshDatabaseOptions,
): Promise<ServiceDetailsBase> {
  const kind = typeof kindOrOptions === 'string' ? kindOrOptions : undefined;
  const options = (typeof kindOrOptions === 'string' ? maybeOptions : kindOrOptions) ?? {};
  const per = options.per;
  if (per !== undefined && per !== 'test' && per !== 'file' && per !== 'worker') {
    throw configError({
      message: `freshDatabase(): expected \`per\` to be 'test', 'file' or 'worker', got ${JSON.stringify(per)}`,
      service: name,
    });
  }
  lookUp(name, kind);
  const bridge = findBridge();
  if (!bridge) {
    throw configError({
      message: `freshDatabase(${JSON.stringify(name)}) needs the berth test environment, and this test file runs in another one`,
      hint: 'the preset and withBerth() set it; a `@jest-environment` docblock replaces it for that file: use testEnvironmentOptions.berth.environment instead',
      service: name,
    });
  }
  return bridge.acquire(name, per);
}

/** A fresh redis logical database (flushed and given back); the same as `freshDatabase(name, 'redis')`. */
export function freshRedis(name: string, options?: FreshDatabaseOptions): Promise<RedisDetails> {
  return freshDatabase(name, 'redis', options);
}
