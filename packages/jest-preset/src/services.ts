/**
 * The test-facing side: core's test helpers (the same as @berth/vitest/test's), told how jest works:
 * the hand-off comes from BERTH_JEST_HANDOFF, a per-test slice goes back when the berth environment
 * sees the test done, a per-file one in jest's `afterAll`. Evaluated inside jest's sandbox for every
 * test file, so core is loaded lazily, once per worker (see lazy-core.ts).
 */

import type { ServiceDefinition, ServicesDetails } from '@berth/core';
import type { DatabaseKind, Handoff, Register, ServiceKinds, TestHelpers } from '@berth/core/broker';
import { findBridge } from './bridge.js';
import { readHandoff } from './handoff.js';
import { configError, loadCore } from './lazy-core.js';

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

type Hook = (fn: () => Promise<void>) => void;

function jestHook(name: 'beforeAll' | 'afterAll'): Hook {
  return (fn) => {
    const hook = (globalThis as { [key: string]: unknown })[name];
    if (typeof hook !== 'function') {
      throw configError({
        message: `the use… helpers need jest's global ${name}, and this test file has none (injectGlobals: false?)`,
        hint: 'take a fresh slice per test with freshDatabase()/freshRedis() instead, or enable injectGlobals',
      });
    }
    (hook as Hook)(fn);
  };
}

let helpers: TestHelpers | undefined;

function made(): TestHelpers {
  helpers ??= loadCore().createTestHelpers({
    handoff,
    onTestEnd(giveBack) {
      const bridge = findBridge();
      if (!bridge) {
        throw configError({
          message: 'fresh slices need the berth test environment, and this test file runs in another one',
          hint: 'the preset and withBerth() set it; a `@jest-environment` docblock replaces it for that file: use testEnvironmentOptions.berth.environment instead',
        });
      }
      return bridge.onTestEnd(giveBack);
    },
    // jest's global expect knows the running test's full name (for the run's timeline).
    testName: () => (globalThis as { expect?: { getState?: () => { currentTestName?: string } } }).expect?.getState?.().currentTestName,
    beforeAll: jestHook('beforeAll'),
    afterAll: jestHook('afterAll'),
  });
  return helpers;
}

type Loose = (...args: unknown[]) => unknown;

/** The helper `name` of core's set, created on first use (core loads lazily, once per worker). */
function forward<H extends keyof TestHelpers>(name: H): TestHelpers[H] {
  return ((...args: unknown[]) => (made()[name] as Loose)(...args)) as TestHelpers[H];
}

export const service: TestHelpers['service'] = forward('service');
export const freshRedis: TestHelpers['freshRedis'] = forward('freshRedis');
export const freshLease: TestHelpers['freshLease'] = forward('freshLease');
export const useFreshDatabase: TestHelpers['useFreshDatabase'] = forward('useFreshDatabase');
export const useFreshRedis: TestHelpers['useFreshRedis'] = forward('useFreshRedis');
export const freshVhost: TestHelpers['freshVhost'] = forward('freshVhost');
export const useFreshVhost: TestHelpers['useFreshVhost'] = forward('useFreshVhost');
export const freshNatsAccount: TestHelpers['freshNatsAccount'] = forward('freshNatsAccount');
export const useFreshNatsAccount: TestHelpers['useFreshNatsAccount'] = forward('useFreshNatsAccount');
export const useFreshLease: TestHelpers['useFreshLease'] = forward('useFreshLease');

/**
 * How long a fresh slice was yours in @berth/jest 0.1: only `'test'` (the only lifetime now) still
 * works; a slice for the whole file is `useFreshDatabase(name)`.
 * @deprecated Leave it out: a fresh database is the current test's.
 */
export type LeaseScope = 'test' | 'file' | 'worker';
/** @deprecated Leave it out: a fresh database is the current test's; `useFreshDatabase(name)` gives one per file. */
export interface FreshDatabaseOptions {
  per?: LeaseScope;
}

const freshDatabaseNow = forward('freshDatabase');

/**
 * A fresh database of a database service for the current test (core's helper). The third argument
 * of 0.1 (`{ per }`) is still accepted: `per: 'test'` warns once that it is the default, and the
 * lifetimes that are gone fail with the helper to use instead, rather than silently changing.
 */
export const freshDatabase: FreshDatabase = (async (name?: string, kind?: string, options?: FreshDatabaseOptions) => {
  if (options !== undefined) {
    const per = options?.per;
    if (per === 'file' || per === 'worker') {
      throw configError({
        message: `freshDatabase(): \`per: '${per}'\` is gone; a fresh database is the current test's`,
        hint:
          per === 'file'
            ? 'call useFreshDatabase(name) at the top level of the file (or a describe block) for one database for all its tests'
            : 'call useFreshDatabase(name) at the top level of each file; one database per worker is no longer offered',
        ...(name === undefined ? {} : { service: name }),
      });
    }
    loadCore().warnDeprecated("freshDatabase()'s third argument ({ per })", "freshDatabase(name) (per: 'test' is the only lifetime)");
  }
  return (freshDatabaseNow as Loose)(...(name === undefined ? [] : kind === undefined ? [name] : [name, kind]));
}) as FreshDatabase;

/** core's freshDatabase, and the 0.1 form with a third argument. */
export type FreshDatabase = TestHelpers['freshDatabase'] & {
  /** @deprecated The third argument (`{ per }`) goes: see FreshDatabaseOptions. */
  <K extends DatabaseKind | 'redis'>(name: string, kind: K, options: FreshDatabaseOptions): Promise<ServiceKinds[K]>;
};

/**
 * Every declared service's details, by name.
 * @deprecated Use `service(name)` for each: typed by name once the config is registered (see
 * `Register` in @berth/core). Kept from 0.1, it warns once.
 */
export function services<C extends { services: Record<string, ServiceDefinition> } = RegisteredConfig>(): ServicesDetails<C['services']> {
  loadCore().warnDeprecated("services() from '@berth/jest'", 'service(name) for each service (typed by the registered config)');
  return handoff().services as ServicesDetails<C['services']>;
}

type RegisteredConfig = Register extends { config: infer C extends { services: Record<string, ServiceDefinition> } }
  ? C
  : { services: Record<string, ServiceDefinition> };
