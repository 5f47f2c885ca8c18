/**
 * jest `testEnvironment`: the project's environment (node by default) plus what berth's test helpers
 * need from the worker: a bridge on the sandbox's global object (see bridge.ts) and the test
 * lifecycle, so fresh databases go back when their test or file is done.
 *
 * jest constructs the environment with `new`; this constructor picks the base class for the project
 * (see environment/base.ts) and returns an instance of a berth subclass of it.
 */
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import type { Circus } from '@jest/types';
import { BRIDGE_KEY, type Bridge, type ErrorRequest } from '../bridge.js';
import { readJestOptions } from '../config/options.js';
import {
  type EnvironmentClass,
  type EnvironmentInstance,
  loadEnvironmentClass,
  ownEventHandler,
  resolveBaseEnvironment,
} from '../environment/base.js';
import { loadCore, makeConfigError } from '../lazy-core.js';

const subclasses = new WeakMap<EnvironmentClass, EnvironmentClass>();

function fail(request: ErrorRequest): never {
  throw makeConfigError(loadCore(), request);
}

function BerthEnvironment(config: JestEnvironmentConfig, context: EnvironmentContext): EnvironmentInstance {
  const { projectConfig } = config;
  const read = readJestOptions(projectConfig.testEnvironmentOptions);
  if (!read.ok) fail({ message: read.problem });
  const name = read.options.environment ?? 'node';
  const found = resolveBaseEnvironment({ name, rootDir: projectConfig.rootDir });
  if (!found.ok) {
    fail({
      message: `cannot find the test environment ${JSON.stringify(name)} for berth to extend; tried ${found.tried.join('; ')}`,
      hint: 'install it in the project (e.g. jest-environment-jsdom) or name it by path in testEnvironmentOptions.berth.environment',
    });
  }
  const Base = loadEnvironmentClass(found.path);
  let Subclass = subclasses.get(Base);
  if (!Subclass) {
    Subclass = berthSubclass(Base);
    subclasses.set(Base, Subclass);
  }
  return new Subclass(config, context);
}

/** How long the end of a test (or file) waits for its slices to go back: never forever. */
const GIVE_BACK_TIMEOUT_MS = 10_000;

function berthSubclass(Base: EnvironmentClass): EnvironmentClass {
  const baseHandler = ownEventHandler(Base);
  return class BerthEnvironment extends Base {
    #testRunning = false;
    /** Concurrent tests overlap, so "the test that is running" does not say whose slice it is. */
    #hasConcurrentTests = false;
    readonly #atTestEnd: (() => Promise<void>)[] = [];
    readonly #atFileEnd: (() => Promise<void>)[] = [];

    constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
      super(config, context);
      const bridge: Bridge = {
        onTestEnd: (giveBack) => {
          if (!this.#testRunning) return false;
          // With test.concurrent in the file, a per-test slice lives until the file is done.
          (this.#hasConcurrentTests ? this.#atFileEnd : this.#atTestEnd).push(giveBack);
          return true;
        },
        configError: (request) => makeConfigError(loadCore(), request),
      };
      Object.defineProperty(this.global, BRIDGE_KEY, { value: bridge, enumerable: false, configurable: true });
    }

    async handleTestEvent(event: Circus.Event, state: Circus.State): Promise<void> {
      await baseHandler?.call(this, event, state);
      if (event.name === 'add_test' && event.concurrent) {
        this.#hasConcurrentTests = true;
      } else if (event.name === 'test_start') {
        this.#testRunning = true;
      } else if (event.name === 'test_done') {
        this.#testRunning = false;
        // A slice that cannot be given back fails the test that held it.
        for (const error of await giveBack(this.#atTestEnd.splice(0), 'the test')) event.test.errors.push(error);
      }
    }

    override async teardown(): Promise<void> {
      const failures = await giveBack(this.#atFileEnd.splice(0), 'the test file');
      await super.teardown();
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) throw new (loadCore().CleanupError)(`giving back ${failures.length} fresh slices failed`, failures);
    }
  };
}

/** Runs every give-back at once, bounded: a broker that does not answer fails the test, it does not hang it. */
async function giveBack(steps: (() => Promise<void>)[], owner: string): Promise<unknown[]> {
  if (steps.length === 0) return [];
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), GIVE_BACK_TIMEOUT_MS);
  });
  const work = Promise.allSettled(steps.map((step) => step()));
  const outcome = await Promise.race([work, deadline]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    const core = loadCore();
    return [
      new core.BrokerError(`giving back the fresh slices of ${owner} took over ${GIVE_BACK_TIMEOUT_MS} ms`, {
        hint: "the berth broker in jest's main process did not answer; is the run stopping?",
      }),
    ];
  }
  return outcome.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
}

export default BerthEnvironment as unknown as EnvironmentClass;
