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
import { LeaseBook, type LeaseClient, type LeaseScope } from '../environment/leases.js';
import { readHandoff } from '../handoff.js';
import { loadCore, makeConfigError } from '../lazy-core.js';
import { isWatching } from '../main/jest-types.js';

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

function berthSubclass(Base: EnvironmentClass): EnvironmentClass {
  const baseHandler = ownEventHandler(Base);
  return class BerthEnvironment extends Base {
    readonly #leases: LeaseBook;
    readonly #watching: boolean;
    #testRunning = false;
    /** Concurrent tests overlap, so "the test that is running" does not say whose slice it is. */
    #hasConcurrentTests = false;

    constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
      super(config, context);
      this.#watching = isWatching(config.globalConfig);
      this.#leases = new LeaseBook(leaseClient());
      const bridge: Bridge = {
        acquire: (service, per) => this.#acquire(service, per),
        configError: (request) => makeConfigError(loadCore(), request),
      };
      Object.defineProperty(this.global, BRIDGE_KEY, { value: bridge, enumerable: false, configurable: true });
    }

    async #acquire(service: string, per: LeaseScope | undefined) {
      if (per === 'test' && !this.#testRunning) {
        fail({ message: `freshDatabase(${JSON.stringify(service)}, { per: 'test' }) was called outside a test`, service });
      }
      let scope: LeaseScope = per ?? (this.#testRunning ? 'test' : 'file');
      // With test.concurrent in the file, a per-test slice lives until the file is done.
      if (scope === 'test' && this.#hasConcurrentTests) scope = 'file';
      // Watch mode: workers end with each run while the services live on; nothing would give a
      // per-worker slice back, so it lives as long as the file.
      if (scope === 'worker' && this.#watching) scope = 'file';
      return this.#leases.acquire(service, scope);
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
        for (const error of await this.#leases.release('test')) event.test.errors.push(error);
      }
    }

    override async teardown(): Promise<void> {
      const failures = await this.#leases.release('file');
      if (this.#watching) failures.push(...(await this.#leases.releaseWorker()));
      await super.teardown();
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) throw new (loadCore().CleanupError)(`giving back ${failures.length} fresh databases failed`, failures);
    }
  };
}

/** Talks to the broker named in the hand-off; @berth/core is loaded on the first fresh database. */
function leaseClient(): LeaseClient {
  const broker = () => {
    const read = readHandoff();
    if (!read.ok) {
      fail({
        message: 'no berth services in this test run: the berth globalSetup did not run',
        hint: "set `preset: '@berth/jest'` (or wrap the config in withBerth()) in the jest config",
      });
    }
    if (!read.handoff.broker) fail({ message: 'no service of this run hands out fresh databases' });
    return read.handoff.broker;
  };
  return {
    acquire: (service) => loadCore().acquireLease(broker(), service),
    release: (service, id) => loadCore().releaseLease(broker(), service, id),
  };
}

export default BerthEnvironment as unknown as EnvironmentClass;
