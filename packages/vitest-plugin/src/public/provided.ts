/**
 * Types `inject('berth')` in every project that imports @berth/vitest (the config) or
 * @berth/vitest/test (the tests): no declaration needed on the user's side.
 */
import type { Handoff } from '@berth/core/adapter';
import type {} from 'vitest';

declare module 'vitest' {
  interface ProvidedContext {
    /** The run's services: connection details, computed env, broker address. Set by the berth plugin. */
    berth: Handoff;
  }
}
