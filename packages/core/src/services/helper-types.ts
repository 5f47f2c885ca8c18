/**
 * The types of the test helpers, typed by service name once the project registers its config:
 *
 *   // berth.config.ts
 *   const config = defineConfig({ services: { db: postgres(), cache: redis() } });
 *   export default config;
 *   declare module '@berth/core' {
 *     interface Register { config: typeof config }
 *   }
 *
 * Then `freshDatabase('db')` is a `PostgresDetails`, `freshRedis('db')` and `service('dbb')` are
 * compile errors, and every kind argument is optional (and checked when given). A project that
 * registers nothing gets the name-agnostic types: any string, details typed by the kind argument.
 * Both runner adapters re-export these helpers, so one registration serves vitest and jest.
 */
import type { ServiceDefinition, ServicesDetails } from './definition.js';
import type { DatabaseKind, ServiceKind, ServiceKinds } from './kinds.js';

/**
 * Where a project registers its berth config's type, by declaration merging (see the top of this
 * file). Empty until then.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the user's declaration merging
export interface Register {}

/** The registered config's service details by name; `undefined` when no config is registered. */
export type RegisteredServices = Register extends { config: { services: infer S extends Record<string, ServiceDefinition> } }
  ? ServicesDetails<S>
  : undefined;

type Registered = Exclude<RegisteredServices, undefined>;
type RegisteredName = keyof Registered & string;

/** A declared service's name: one of the registered config's keys, or any string without one. */
export type ServiceName = RegisteredServices extends undefined ? string : RegisteredName;

/** The names of the registered services of kind `K` (any string without a registered config). */
export type ServiceNameOf<K extends string> = RegisteredServices extends undefined
  ? string
  : { [N in RegisteredName]: Registered[N] extends { kind: K } ? N : never }[RegisteredName];

/** The kind argument a helper accepts for the service `N`: its own kind, or any of `All` unregistered. */
export type KindFor<N, All extends string> = RegisteredServices extends undefined
  ? All
  : N extends RegisteredName
    ? Registered[N]['kind']
    : never;

/** What a helper returns for the service `N` asked as kind `K`. */
export type DetailsFor<N, K> = RegisteredServices extends undefined
  ? K extends keyof ServiceKinds
    ? ServiceKinds[K]
    : never
  : N extends RegisteredName
    ? Registered[N]
    : never;

/** The details of any known kind; narrow with `details.kind === 'postgres'`. */
export type AnyServiceDetails = ServiceKinds[ServiceKind];

/** The details of any database service (of the registered config, or of any database kind). */
export type AnyDatabaseDetails = RegisteredServices extends undefined
  ? ServiceKinds[DatabaseKind]
  : Registered[ServiceNameOf<DatabaseKind>];

export interface TestHelpers {
  /**
   * Connection details of a declared service, typed by its name once the config is registered; the
   * kind, optional, is checked at run time when given (and typed by it without a registered config).
   */
  service<N extends ServiceName, K extends KindFor<N, ServiceKind> = KindFor<N, ServiceKind>>(name: N, kind?: K): DetailsFor<N, K>;
  /** A fresh database of a database service (postgres, mysql), for the current test. */
  freshDatabase<N extends ServiceNameOf<DatabaseKind>, K extends KindFor<N, DatabaseKind> = KindFor<N, DatabaseKind>>(
    name: N,
    kind?: K,
  ): Promise<DetailsFor<N, K>>;
  /** @deprecated A redis service's fresh database is `freshRedis(name)`. */
  freshDatabase(name: ServiceNameOf<'redis'>, kind: 'redis'): Promise<ServiceKinds['redis']>;
  /** @deprecated Name the service: `freshDatabase('db')`. */
  freshDatabase(): Promise<AnyDatabaseDetails>;
  /** A fresh (flushed) redis logical database for the current test. */
  freshRedis(name: ServiceNameOf<'redis'>): Promise<ServiceKinds['redis']>;
  /** @deprecated Name the service: `freshRedis('cache')`. */
  freshRedis(): Promise<ServiceKinds['redis']>;
  /** A fresh slice of any service that hands them out, for the current test. */
  freshLease<N extends ServiceName, K extends KindFor<N, ServiceKind> = KindFor<N, ServiceKind>>(
    name: N,
    kind?: K,
  ): Promise<DetailsFor<N, K>>;
  /** One fresh database for every test of the enclosing file or describe block. */
  useFreshDatabase<N extends ServiceNameOf<DatabaseKind>, K extends KindFor<N, DatabaseKind> = KindFor<N, DatabaseKind>>(
    name: N,
    kind?: K,
  ): () => DetailsFor<N, K>;
  /** @deprecated A redis service's fresh database is `useFreshRedis(name)`. */
  useFreshDatabase(name: ServiceNameOf<'redis'>, kind: 'redis'): () => ServiceKinds['redis'];
  /** @deprecated Name the service: `useFreshDatabase('db')`. */
  useFreshDatabase(): () => AnyDatabaseDetails;
  useFreshRedis(name: ServiceNameOf<'redis'>): () => ServiceKinds['redis'];
  /** @deprecated Name the service: `useFreshRedis('cache')`. */
  useFreshRedis(): () => ServiceKinds['redis'];
  /** A fresh rabbitmq vhost (all permissions for the service's user) for the current test; deleted after. */
  freshVhost(name: ServiceNameOf<'rabbitmq'>): Promise<ServiceKinds['rabbitmq']>;
  useFreshVhost(name: ServiceNameOf<'rabbitmq'>): () => ServiceKinds['rabbitmq'];
  /** A nats account of its own for the current test; its clients are cut off and its streams deleted after. */
  freshNatsAccount(name: ServiceNameOf<'nats'>): Promise<ServiceKinds['nats']>;
  useFreshNatsAccount(name: ServiceNameOf<'nats'>): () => ServiceKinds['nats'];
  useFreshLease<N extends ServiceName, K extends KindFor<N, ServiceKind> = KindFor<N, ServiceKind>>(
    name: N,
    kind?: K,
  ): () => DetailsFor<N, K>;
}
