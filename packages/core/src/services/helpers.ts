/**
 * The helpers tests call, written once for every runner: the vitest and jest adapters create them
 * over a small `RunnerHooks` seam and re-export them, so the same test file runs under both with the
 * same names, signatures, types and errors.
 *
 *   service('db', 'postgres')        details of a declared service (typed by kind)
 *   await freshDatabase('db')        a database of this test's own (any database kind), given back when
 *   await freshRedis('cache')        the test ends, passed or failed; freshLease for any isolating kind
 *   useFreshDatabase('db')           one for every test of the file / describe block: () => details
 *
 * Giving back is one request to the broker, answered at once: the pool resets or drops the slot in
 * the background, off the test's critical path.
 */
import { warnDeprecated } from '../deprecation.js';
import { AbortError, ConfigError } from '../errors.js';
import { acquireLease, type BrokerAddress, releaseLease } from './broker.js';
import type { ServiceDetailsBase } from './definition.js';
import type { TestHelpers } from './helper-types.js';
import type { KeptSlice, TestOutcome } from './keep.js';
import type { Handoff } from './start-services.js';

export type { AnyServiceDetails, TestHelpers } from './helper-types.js';

/** What a runner adapter provides; everything else is the same for every runner. */
export interface RunnerHooks {
  /** The run's hand-off; throws a ConfigError worded for the runner when berth is not set up. */
  handoff(): Handoff;
  /**
   * Runs `giveBack` when the current test ends (passed or failed), with how it ended when the runner
   * tells: a run with `keep` may then keep the slice, and `giveBack` resolves to what was kept, for
   * the adapter to name in the test's failure output (keptNote). Returns false when no test is
   * running (top level of a file, beforeAll).
   */
  onTestEnd(giveBack: GiveBack): boolean;
  /** The running test's full name, for the run's timeline (optional: leases are then shown without it). */
  testName?(): string | undefined;
  /** The runner's per-file (or per-describe) hooks, for the use… variants. */
  beforeAll(fn: () => Promise<void>): void;
  afterAll(fn: () => Promise<void>): void;
}

/** Gives a test's slice back when the test ends; resolves to the slice when the run kept it instead. */
export type GiveBack = (outcome?: TestOutcome) => Promise<KeptSlice | undefined>;

type Want = { kind?: string | undefined; database?: boolean; what: string };

/** The helper that hands out a slice of each kind, for "not that kind" errors. */
const HINTS: Record<string, string> = {
  redis: 'freshRedis() gives a redis database of its own',
  rabbitmq: 'freshVhost() gives a rabbitmq vhost of its own',
  nats: 'freshNatsAccount() gives a nats account of its own',
  postgres: 'freshDatabase() gives a database of its own',
  mysql: 'freshDatabase() gives a database of its own',
};

export function createTestHelpers(hooks: RunnerHooks): TestHelpers {
  const lookup = (name: string, want: Want): ServiceDetailsBase => {
    if (typeof name !== 'string' || name === '') {
      throw new ConfigError(`expected a service name (the key under \`services\`), got ${JSON.stringify(name)}`);
    }
    const { services } = hooks.handoff();
    const details = Object.hasOwn(services, name) ? (services as Record<string, ServiceDetailsBase>)[name] : undefined;
    if (!details) {
      const declared = Object.keys(services);
      throw new ConfigError(`no service named ${JSON.stringify(name)} was declared`, {
        hint: declared.length > 0 ? `declared services: ${declared.join(', ')}` : 'the berth config declares no services',
        details: { service: name },
      });
    }
    if (want.kind !== undefined && details.kind !== want.kind) {
      throw new ConfigError(`service ${JSON.stringify(name)} is a ${details.kind} service, not ${want.kind}`, {
        details: { service: name },
        ...(HINTS[details.kind] ? { hint: HINTS[details.kind] } : {}),
      });
    }
    if (want.database && typeof (details as { database?: unknown }).database !== 'string') {
      throw new ConfigError(`service ${JSON.stringify(name)} is a ${details.kind} service, which has no databases to hand out`, {
        details: { service: name },
        hint:
          details.kind === 'redis'
            ? 'freshRedis() gives a redis database of its own'
            : 'freshLease() gives a slice of any isolating service',
      });
    }
    return details;
  };

  const testName = (): string | undefined => {
    try {
      return hooks.testName?.();
    } catch {
      // The name only labels the timeline; a runner that cannot say it costs nothing else.
      return undefined;
    }
  };

  const brokerFor = (name: string, want: Want): BrokerAddress => {
    lookup(name, want);
    const { broker } = hooks.handoff();
    if (!broker) {
      throw new ConfigError(`service ${JSON.stringify(name)} does not hand out fresh slices`, {
        hint: 'none of the declared services offers isolation',
        details: { service: name },
      });
    }
    return broker;
  };

  const perTest = async (name: string, want: Want): Promise<ServiceDetailsBase> => {
    const broker = brokerFor(name, want);
    const controller = new AbortController();
    let pending: Promise<{ id: string }> | undefined;
    const registered = hooks.onTestEnd(async (outcome) => {
      if (!pending) return undefined;
      // A test that ended before its slice arrived (it timed out) does not wait for it: the request
      // is abandoned, and the broker gives back a slice that arrives late.
      controller.abort(new AbortError(`the test ended before its ${want.what} of ${name} arrived`));
      const lease = await pending.catch(() => undefined);
      return lease ? releaseLease(broker, name, lease.id, undefined, outcome) : undefined;
    });
    if (!registered) {
      throw new ConfigError(`${want.what} of ${JSON.stringify(name)} can only be taken inside a test`, {
        hint: 'for one per file or describe block, call the use… variant (useFreshDatabase, useFreshRedis, useFreshLease) at its top level',
        details: { service: name },
      });
    }
    pending = acquireLease(broker, name, controller.signal, { test: testName() });
    return (await pending.then((lease) => lease as { id: string; details: ServiceDetailsBase })).details;
  };

  const perBlock = (name: string, want: Want): (() => ServiceDetailsBase) => {
    let lease: { id: string; details: ServiceDetailsBase; broker: BrokerAddress } | undefined;
    hooks.beforeAll(async () => {
      const broker = brokerFor(name, want);
      lease = { ...(await acquireLease(broker, name, undefined, { test: testName() })), broker };
    });
    hooks.afterAll(async () => {
      const taken = lease;
      lease = undefined;
      if (taken) await releaseLease(taken.broker, name, taken.id);
    });
    return () => {
      if (!lease) {
        throw new ConfigError(`${want.what} of ${JSON.stringify(name)} is only there inside the tests of the block that declared it`, {
          hint: 'read it inside test(), beforeEach() or a later beforeAll(), not at the top level of the file',
          details: { service: name },
        });
      }
      return lease.details;
    };
  };

  const database = (kind: string | undefined): Want => ({ kind, database: true, what: 'a fresh database' });
  const redis: Want = { kind: 'redis', what: 'a fresh redis database' };
  const slice = (kind: string | undefined): Want => ({ kind, what: 'a fresh slice' });
  const vhost: Want = { kind: 'rabbitmq', what: 'a fresh vhost' };
  const account: Want = { kind: 'nats', what: 'a fresh nats account' };

  // Deprecated forms, kept working (with a one-time warning) until a minor version removes them:
  // no name (the one service of that kind, as 0.1 allowed) and freshDatabase(name, 'redis').
  const named = (name: string | undefined, want: Want, helper: string): string => {
    if (name !== undefined) return name;
    warnDeprecated(`${helper}() without a service name`, `${helper}('<name>'), the name under \`services\``);
    const { services } = hooks.handoff();
    const matching = Object.entries(services as Record<string, ServiceDetailsBase>)
      .filter(([, details]) =>
        want.kind !== undefined ? details.kind === want.kind : typeof (details as { database?: unknown }).database === 'string',
      )
      .map(([serviceName]) => serviceName);
    if (matching.length === 1) return matching[0] as string;
    const kind = want.kind ?? 'database';
    throw new ConfigError(
      matching.length === 0
        ? `${helper}(): no ${kind} service was declared`
        : `${helper}(): several ${kind} services were declared (${matching.join(', ')})`,
      { hint: `name the one you want: ${helper}('${matching[0] ?? 'db'}')` },
    );
  };
  const databaseOf = (kind: string | undefined, helper: string, replacement: string): Want => {
    if (kind !== 'redis') return database(kind);
    warnDeprecated(`${helper}(name, 'redis')`, `${replacement}(name)`);
    return redis;
  };

  return {
    service: ((name: string, kind?: string) => lookup(name, { kind, what: 'service' })) as TestHelpers['service'],
    freshDatabase: (async (name?: string, kind?: string) => {
      const want = databaseOf(kind, 'freshDatabase', 'freshRedis');
      return perTest(named(name, want, 'freshDatabase'), want);
    }) as TestHelpers['freshDatabase'],
    freshRedis: (async (name?: string) => perTest(named(name, redis, 'freshRedis'), redis)) as TestHelpers['freshRedis'],
    freshLease: ((name: string, kind?: string) => perTest(name, slice(kind))) as TestHelpers['freshLease'],
    useFreshDatabase: ((name?: string, kind?: string) => {
      const want = databaseOf(kind, 'useFreshDatabase', 'useFreshRedis');
      return perBlock(named(name, want, 'useFreshDatabase'), want);
    }) as TestHelpers['useFreshDatabase'],
    useFreshRedis: ((name?: string) => perBlock(named(name, redis, 'useFreshRedis'), redis)) as TestHelpers['useFreshRedis'],
    useFreshLease: ((name: string, kind?: string) => perBlock(name, slice(kind))) as TestHelpers['useFreshLease'],
    freshVhost: ((name: string) => perTest(name, vhost)) as TestHelpers['freshVhost'],
    useFreshVhost: ((name: string) => perBlock(name, vhost)) as TestHelpers['useFreshVhost'],
    freshNatsAccount: ((name: string) => perTest(name, account)) as TestHelpers['freshNatsAccount'],
    useFreshNatsAccount: ((name: string) => perBlock(name, account)) as TestHelpers['useFreshNatsAccount'],
  };
}
