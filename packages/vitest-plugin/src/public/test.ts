/**
 * @berth/vitest/test — what tests import. Everything here runs in a worker and works from the
 * hand-off the plugin provided (`inject('berth')`): connection details, and the broker that hands out
 * fresh databases.
 *
 *   const db = service('db', 'postgres')          // PostgresDetails
 *   test('...', async () => {
 *     const { url } = await freshDatabase('db')   // its own database, dropped after the test
 *   })
 *   const cache = useFreshRedis('cache')          // one logical db for the whole file: cache().url
 */
import type { BrokerAddress, Handoff, ServiceDetailsBase } from '@berth/core';
import { acquireLease, ConfigError, releaseLease } from '@berth/core/broker';
import type { PostgresDetails } from '@berth/core/postgres';
import type { RedisDetails } from '@berth/core/redis';
import { afterAll, beforeAll, inject, onTestFinished } from 'vitest';
import './provided.js';

export type { Handoff, PostgresDetails, RedisDetails, ServiceDetailsBase };

/**
 * Details type of each service kind, for `service(name, kind)` and the fresh-slice helpers. A module
 * outside berth can add its own kind:
 * `declare module '@berth/vitest/test' { interface ServiceKinds { mongo: MongoDetails } }`.
 */
export interface ServiceKinds {
  postgres: PostgresDetails;
  redis: RedisDetails;
}

export type ServiceKind = keyof ServiceKinds & string;

/** The project's hand-off. Throws a ConfigError when the berth plugin provided none. */
export function handoff(): Handoff {
  const provided = inject('berth') as Handoff | undefined;
  if (!provided) {
    throw new ConfigError('this test project has no berth services', {
      hint:
        "add berth({ services: { ... } }) to the plugins of this project's vitest config (a plugin in the root config " +
        'reaches a project only through `extends: true`)',
    });
  }
  return provided;
}

/** Connection details of a declared service; with a kind, checked and typed as that kind. */
export function service<K extends ServiceKind>(name: string, kind: K): ServiceKinds[K];
export function service(name: string): ServiceDetailsBase;
export function service(name: string, kind?: string): ServiceDetailsBase {
  return lookup(handoff(), name, kind);
}

/**
 * A fresh slice of `name` (a database nobody else uses) for the current test, given back when the
 * test finishes, passed or failed. Call it inside a test; for one slice per file see `useFreshLease`.
 */
export async function freshLease<K extends ServiceKind>(name: string, kind: K): Promise<ServiceKinds[K]>;
export async function freshLease(name: string): Promise<ServiceDetailsBase>;
export async function freshLease(name: string, kind?: string): Promise<ServiceDetailsBase> {
  const provided = handoff();
  const broker = brokerFor(provided, name, kind);
  const controller = new AbortController();
  let pending: Promise<{ id: string }> | undefined;
  try {
    onTestFinished(async () => {
      if (!pending) return;
      // A test that timed out may end before its slice arrived: stop waiting, give back what came.
      controller.abort();
      const lease = await pending.catch(() => undefined);
      if (lease) await releaseLease(broker, name, lease.id);
    });
  } catch (error) {
    throw new ConfigError(`a fresh ${kind ?? 'slice'} of ${name} can only be taken inside a test`, {
      cause: error,
      hint: 'for one per file or describe block, call the use… variant (useFreshDatabase, useFreshRedis, useFreshLease) at its top level',
    });
  }
  const acquiring = acquireLease(broker, name, controller.signal);
  pending = acquiring;
  return (await acquiring).details;
}

/**
 * One fresh slice of `name` for every test of the enclosing file or describe block: taken in
 * `beforeAll`, given back in `afterAll`. Returns a function that gives its details inside the tests.
 */
export function useFreshLease<K extends ServiceKind>(name: string, kind: K): () => ServiceKinds[K];
export function useFreshLease(name: string): () => ServiceDetailsBase;
export function useFreshLease(name: string, kind?: string): () => ServiceDetailsBase {
  return useLease(() => name, kind);
}

/** A fresh postgres database for the current test, dropped when the test finishes. */
export function freshDatabase(name?: string): Promise<PostgresDetails> {
  return freshLease(name ?? only(handoff(), 'postgres'), 'postgres');
}

/** A fresh postgres database shared by the tests of the enclosing file or describe block. */
export function useFreshDatabase(name?: string): () => PostgresDetails {
  return useFresh('postgres', name);
}

/** A fresh (flushed) redis logical database for the current test, given back when it finishes. */
export function freshRedis(name?: string): Promise<RedisDetails> {
  return freshLease(name ?? only(handoff(), 'redis'), 'redis');
}

/** A fresh redis logical database shared by the tests of the enclosing file or describe block. */
export function useFreshRedis(name?: string): () => RedisDetails {
  return useFresh('redis', name);
}

function useFresh<K extends ServiceKind>(kind: K, name: string | undefined): () => ServiceKinds[K] {
  // Without a name, the one service of that kind; found when the block starts, not at import time.
  return useLease(() => name ?? only(handoff(), kind), kind) as () => ServiceKinds[K];
}

function useLease(name: () => string, kind: string | undefined): () => ServiceDetailsBase {
  let lease: { id: string; details: ServiceDetailsBase; service: string; broker: BrokerAddress } | undefined;
  beforeAll(async () => {
    const service = name();
    const broker = brokerFor(handoff(), service, kind);
    lease = { ...(await acquireLease(broker, service)), service, broker };
  });
  afterAll(async () => {
    const taken = lease;
    lease = undefined;
    if (taken) await releaseLease(taken.broker, taken.service, taken.id);
  });
  return () => {
    if (!lease) {
      throw new ConfigError(`the fresh ${kind ?? 'slice'} is only there inside the tests of the block that declared it`, {
        hint: 'read it inside test(), beforeEach() or a later beforeAll(), not at the top level of the file',
      });
    }
    return lease.details;
  };
}

function lookup(provided: Handoff, name: string, kind: string | undefined): ServiceDetailsBase {
  const details = Object.hasOwn(provided.services, name) ? provided.services[name] : undefined;
  if (!details) {
    const declared = Object.keys(provided.services);
    throw new ConfigError(`no service named ${JSON.stringify(name)} was declared`, {
      hint: declared.length > 0 ? `declared services: ${declared.join(', ')}` : 'this project declares no services',
    });
  }
  if (kind !== undefined && details.kind !== kind) {
    throw new ConfigError(`service ${JSON.stringify(name)} is a ${details.kind} service, not ${kind}`);
  }
  return details;
}

function brokerFor(provided: Handoff, name: string, kind: string | undefined): BrokerAddress {
  lookup(provided, name, kind);
  if (!provided.broker) {
    throw new ConfigError(`service ${JSON.stringify(name)} does not hand out fresh slices`, {
      hint: 'none of the declared services offers isolation',
    });
  }
  return provided.broker;
}

/** The one service of a kind, when the caller did not name it. */
function only(provided: Handoff, kind: string): string {
  const names = Object.entries(provided.services)
    .filter(([, details]) => details.kind === kind)
    .map(([name]) => name);
  if (names.length === 1) return names[0] as string;
  throw new ConfigError(
    names.length === 0
      ? `no ${kind} service was declared`
      : `several ${kind} services were declared (${names.join(', ')}); name the one you want`,
  );
}
