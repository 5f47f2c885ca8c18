/**
 * Which environment the berth environment extends. jest resolves `testEnvironment: 'node'` to the
 * jest-environment-node of the project (or, failing that, of jest itself), and the base class must be
 * the one of the jest that is running: jest 29's runtime with jest 30's node environment (or the
 * other way round) differ in fake timers, module mocker and vm context handling. So this package has
 * no jest-environment-node of its own; it asks the same places jest does, in the same order:
 *
 *   1. a path (`./env.js`, `<rootDir>/env.js`, absolute) relative to rootDir;
 *   2. `jest-environment-<name>`, then `<name>`, from rootDir (the project's own install);
 *   3. `jest-environment-<name>` from the jest that runs this worker: the jest-runner module that
 *      loaded us is in the require cache, and jest-environment-node is one of its dependencies.
 */
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve, sep } from 'node:path';
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import type { Circus } from '@jest/types';

const localRequire = createRequire(import.meta.url);

/**
 * What berth needs of a test environment. Narrower than jest's JestEnvironment type, which also
 * differs between jest 29 and 30; every environment jest accepts has these.
 */
export interface EnvironmentInstance {
  global: object;
  setup(): Promise<void>;
  teardown(): Promise<void>;
}

export type EnvironmentClass = new (config: JestEnvironmentConfig, context: EnvironmentContext) => EnvironmentInstance;

/** An environment's own test event handler, when its class has one. */
export type TestEventHandler = (event: Circus.Event, state: Circus.State) => void | Promise<void>;

export function ownEventHandler(Base: EnvironmentClass): TestEventHandler | undefined {
  const handler = (Base.prototype as { handleTestEvent?: unknown }).handleTestEvent;
  return typeof handler === 'function' ? (handler as TestEventHandler) : undefined;
}

export interface BaseLookup {
  name: string;
  rootDir: string;
  /** Modules already loaded in this process (require.cache keys); injectable for tests. */
  loaded?: Iterable<string>;
}

/** The module path of the base environment, or a list of what was tried. */
export function resolveBaseEnvironment(lookup: BaseLookup): { ok: true; path: string } | { ok: false; tried: string[] } {
  const { name, rootDir } = lookup;
  const tried: string[] = [];
  const attempt = (request: string, from: string): string | undefined => {
    tried.push(`${request} from ${from}`);
    try {
      return createRequire(join(from, 'noop.js')).resolve(request);
    } catch {
      return undefined;
    }
  };

  const replaced = name.replace(/^<rootDir>/, rootDir);
  if (replaced.startsWith('.') || isAbsolute(replaced)) {
    const path = attempt(resolve(rootDir, replaced), rootDir);
    return path ? { ok: true, path } : { ok: false, tried };
  }
  const prefixed = name.startsWith('jest-environment-') ? name : `jest-environment-${name}`;
  const fromProject = attempt(prefixed, rootDir) ?? attempt(name, rootDir);
  if (fromProject) return { ok: true, path: fromProject };

  const runner = runningJestRunner(lookup.loaded ?? Object.keys(localRequire.cache));
  if (runner) {
    const fromJest = attempt(prefixed, runner);
    if (fromJest) return { ok: true, path: fromJest };
  } else {
    tried.push('the running jest (no jest-runner module found in this process)');
  }
  return { ok: false, tried };
}

/** The directory of the jest-runner package loaded in this process. */
export function runningJestRunner(loaded: Iterable<string>): string | undefined {
  const marker = `${sep}jest-runner${sep}`;
  for (const path of loaded) {
    const at = path.lastIndexOf(marker);
    if (at >= 0) return path.slice(0, at + marker.length - 1);
  }
  return undefined;
}

export function loadEnvironmentClass(path: string): EnvironmentClass {
  const loaded = localRequire(path) as EnvironmentClass | { default?: EnvironmentClass; TestEnvironment?: EnvironmentClass };
  const candidate = typeof loaded === 'function' ? loaded : (loaded.TestEnvironment ?? loaded.default);
  if (typeof candidate !== 'function') throw new TypeError(`${path} does not export a test environment class`);
  return candidate;
}
