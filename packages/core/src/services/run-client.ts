/**
 * The JavaScript client of a `berth run`: any process the command started (a test runner's worker,
 * a dev server, a script) reads the services' details and takes fresh slices through the broker.
 *
 *   const run = connectRun();
 *   const db = run.service('db', 'postgres');          // details, typed by kind
 *   await using lease = await run.lease('db');         // a fresh database of its own
 *   use(lease.details.url);                            // given back on dispose / release()
 *
 * It holds no connection between calls (each broker request opens and closes its own), so it never
 * keeps a process alive. Runner adapters (node:test, mocha, bun, deno) build their helpers on it.
 */
import { ConfigError } from '../errors.js';
import { acquireLease, releaseLease } from './broker.js';
import type { ServiceDetailsBase } from './definition.js';
import type { KeptSlice, TestOutcome } from './keep.js';
import type { ServiceKind, ServiceKinds } from './kinds.js';
import { readRunVariables } from './run-env.js';
import type { Handoff } from './start-services.js';

/** A slice taken from the broker; give it back with release() or `await using`. */
export interface HeldLease<D extends ServiceDetailsBase = ServiceDetailsBase> {
  readonly id: string;
  readonly service: string;
  readonly details: D;
  /**
   * Gives the slice back (the module resets or drops it in the background). Idempotent. With the
   * `outcome` of the test that used it, a run with `keep` (BERTH_KEEP) may keep it instead: the
   * answer is then what was kept (its URL), for the test's failure output.
   */
  release(outcome?: TestOutcome): Promise<KeptSlice | undefined>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface RunClient {
  /** The run's hand-off: every service's details and the broker's address. */
  readonly handoff: Handoff;
  /** Details of a declared service; with a kind, checked to be that kind. */
  service<K extends ServiceKind>(name: string, kind: K): ServiceKinds[K];
  service(name: string): ServiceDetailsBase;
  /** A fresh slice (database, redis db, vhost, account) of a service that hands them out. */
  lease<K extends ServiceKind>(name: string, kind: K, signal?: AbortSignal): Promise<HeldLease<ServiceKinds[K]>>;
  lease(name: string, kind?: undefined, signal?: AbortSignal): Promise<HeldLease>;
}

/** Reads the run's variables from `env` (default process.env); throws a ConfigError outside `berth run`. */
export function connectRun(env: Record<string, string | undefined> = process.env): RunClient {
  const handoff = readRunVariables(env);
  const service = (name: string, kind?: string): ServiceDetailsBase => {
    const services = handoff.services as Record<string, ServiceDetailsBase>;
    const details = Object.hasOwn(services, name) ? services[name] : undefined;
    if (!details) {
      const declared = Object.keys(services);
      throw new ConfigError(`no service named ${JSON.stringify(name)} was declared`, {
        hint: declared.length > 0 ? `declared services: ${declared.join(', ')}` : 'the berth config declares no services',
        details: { service: name },
      });
    }
    if (kind !== undefined && details.kind !== kind) {
      throw new ConfigError(`service ${JSON.stringify(name)} is a ${details.kind} service, not ${kind}`, { details: { service: name } });
    }
    return details;
  };
  const lease = async (name: string, kind?: string, signal?: AbortSignal): Promise<HeldLease> => {
    service(name, kind);
    const broker = handoff.broker;
    if (!broker) {
      throw new ConfigError(`service ${JSON.stringify(name)} does not hand out fresh slices`, {
        hint: 'none of the declared services offers isolation',
        details: { service: name },
      });
    }
    const taken = await acquireLease(broker, name, signal);
    let released: Promise<KeptSlice | undefined> | undefined;
    const release = (outcome?: TestOutcome) => {
      released ??= releaseLease(broker, name, taken.id, undefined, outcome);
      return released;
    };
    const dispose = async () => {
      await release();
    };
    return { id: taken.id, service: name, details: taken.details, release, [Symbol.asyncDispose]: dispose };
  };
  return { handoff, service: service as RunClient['service'], lease: lease as RunClient['lease'] };
}
