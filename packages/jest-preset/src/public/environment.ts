/**
 * jest `testEnvironment`: the project's environment (node by default) plus what berth's test helpers
 * need from the worker: a bridge on the sandbox's global object (see bridge.ts) and the test
 * lifecycle, so fresh databases go back when their test or file is done.
 *
 * jest constructs the environment with `new`; this constructor picks the base class for the project
 * (see environment/base.ts) and returns an instance of a berth subclass of it.
 */

import { relative } from 'node:path';
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import type { Circus } from '@jest/types';
import { BRIDGE_KEY, type Bridge, type BridgeGiveBack, type BridgeOutcome, type ErrorRequest } from '../bridge.js';
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
    readonly #atTestEnd: BridgeGiveBack[] = [];
    readonly #atFileEnd: BridgeGiveBack[] = [];
    readonly #testPath: string;

    constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
      super(config, context);
      this.#testPath = context.testPath;
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
        const outcome: BridgeOutcome = { failed: event.test.errors.length > 0, test: testName(this.#testPath, event.test) };
        const { failures, kept } = await giveBack(this.#atTestEnd.splice(0), 'the test', outcome);
        // A slice that cannot be given back fails the test that held it.
        for (const error of failures) event.test.errors.push(error);
        // What the run kept is named in the test's failure output, as one more entry under it.
        if (kept.length > 0) event.test.errors.push(keptEntry(kept));
      }
    }

    override async teardown(): Promise<void> {
      const { failures } = await giveBack(this.#atFileEnd.splice(0), 'the test file');
      await super.teardown();
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) throw new (loadCore().CleanupError)(`giving back ${failures.length} fresh slices failed`, failures);
    }
  };
}

/** "path/to/file.test.ts > describe > test", as the other adapters name a test. */
function testName(testPath: string, test: Circus.TestEntry): string {
  const names = [test.name];
  for (let block: Circus.DescribeBlock | undefined = test.parent; block && block.name !== 'ROOT_DESCRIBE_BLOCK'; block = block.parent) {
    names.unshift(block.name);
  }
  return [relative(process.cwd(), testPath), ...names].join(' > ');
}

/** The kept slices as an entry of the test's errors: jest prints its stack, which is the note alone. */
function keptEntry(kept: unknown[]): Error {
  const note = loadCore().keptNote(kept as Parameters<ReturnType<typeof loadCore>['keptNote']>[0]);
  const entry = new Error(note);
  entry.name = 'BerthKept';
  entry.stack = note;
  return entry;
}

/** Runs every give-back at once, bounded: a broker that does not answer fails the test, it does not hang it. */
async function giveBack(
  steps: BridgeGiveBack[],
  owner: string,
  outcome?: BridgeOutcome,
): Promise<{ failures: unknown[]; kept: unknown[] }> {
  if (steps.length === 0) return { failures: [], kept: [] };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), GIVE_BACK_TIMEOUT_MS);
  });
  const work = Promise.allSettled(steps.map((step) => step(outcome)));
  const settled = await Promise.race([work, deadline]);
  clearTimeout(timer);
  if (settled === 'timeout') {
    const core = loadCore();
    return {
      failures: [
        new core.BrokerError(`giving back the fresh slices of ${owner} took over ${GIVE_BACK_TIMEOUT_MS} ms`, {
          hint: "the berth broker in jest's main process did not answer; is the run stopping?",
        }),
      ],
      kept: [],
    };
  }
  return {
    failures: settled.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : [])),
    kept: settled.flatMap((result) => (result.status === 'fulfilled' && result.value ? [result.value] : [])),
  };
}

export default BerthEnvironment as unknown as EnvironmentClass;
