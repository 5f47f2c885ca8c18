/**
 * The test-facing side: core's test helpers (the same as @berth/vitest/test's), told how jest works:
 * the hand-off comes from BERTH_JEST_HANDOFF, a per-test slice goes back when the berth environment
 * sees the test done, a per-file one in jest's `afterAll`. Evaluated inside jest's sandbox for every
 * test file, so core is loaded lazily, once per worker (see lazy-core.ts).
 */
import type { Handoff, TestHelpers } from '@berth/core/broker';
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
    beforeAll: jestHook('beforeAll'),
    afterAll: jestHook('afterAll'),
  });
  return helpers;
}

export const service: TestHelpers['service'] = ((name: string, kind?: string) =>
  (made().service as (name: string, kind?: string) => unknown)(name, kind)) as TestHelpers['service'];
export const freshDatabase: TestHelpers['freshDatabase'] = (name, kind) => made().freshDatabase(name, kind);
export const freshRedis: TestHelpers['freshRedis'] = (name) => made().freshRedis(name);
export const freshLease: TestHelpers['freshLease'] = ((name: string, kind?: string) =>
  (made().freshLease as (name: string, kind?: string) => Promise<unknown>)(name, kind)) as TestHelpers['freshLease'];
export const useFreshDatabase: TestHelpers['useFreshDatabase'] = (name, kind) => made().useFreshDatabase(name, kind);
export const useFreshRedis: TestHelpers['useFreshRedis'] = (name) => made().useFreshRedis(name);
export const freshVhost: TestHelpers['freshVhost'] = (name) => made().freshVhost(name);
export const useFreshVhost: TestHelpers['useFreshVhost'] = (name) => made().useFreshVhost(name);
export const freshNatsAccount: TestHelpers['freshNatsAccount'] = (name) => made().freshNatsAccount(name);
export const useFreshNatsAccount: TestHelpers['useFreshNatsAccount'] = (name) => made().useFreshNatsAccount(name);
export const useFreshLease: TestHelpers['useFreshLease'] = ((name: string, kind?: string) =>
  (made().useFreshLease as (name: string, kind?: string) => () => unknown)(name, kind)) as TestHelpers['useFreshLease'];
