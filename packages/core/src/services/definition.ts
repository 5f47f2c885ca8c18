/**
 * Services are what a test suite declares ("db: postgres:15, cache: redis:7"): a definition that
 * knows how to start itself, and a running form whose `details` are plain JSON — the only thing that
 * crosses from the runner's main process to its workers. Modules (postgres, redis) produce these;
 * adapters (vitest, jest) start them through `startServices` and never touch containers themselves.
 */

/** Connection details of a running service. JSON-serialisable, always with the module's `kind`. */
export interface ServiceDetailsBase {
  kind: string;
  host: string;
  port: number;
  /** Name of the container serving it (debugging). */
  containerName: string;
}

/** An isolated slice of a service handed to one test or worker (a fresh database, a redis db). */
export interface Lease<Details extends ServiceDetailsBase = ServiceDetailsBase> {
  /** Opaque id used to give it back. */
  id: string;
  details: Details;
}

/** Hands out isolated slices; lives in the process that started the service. */
export interface Isolation<Details extends ServiceDetailsBase = ServiceDetailsBase> {
  acquire(signal?: AbortSignal): Promise<Lease<Details>>;
  /** Gives a slice back at once; the module drops or resets it in the background. Idempotent. */
  release(id: string): Promise<void>;
}

export interface RunningService<Details extends ServiceDetailsBase = ServiceDetailsBase> {
  readonly details: Details;
  /** Present when the service can hand out isolated slices. */
  readonly isolation?: Isolation<Details>;
  /**
   * Stops the service and everything it made; idempotent. With `leaveRunning`, only lets go of it
   * (closes berth's connections and streams in this process) and leaves its container running: it
   * holds slices the run kept (services/keep.ts).
   */
  stop(options?: ServiceStopOptions): Promise<void>;
}

export interface ServiceStopOptions {
  /** Leave the container running (it holds kept slices); berth's own connections still close. */
  leaveRunning?: boolean;
}

export interface ServiceStartContext {
  /** The name the suite gave the service ("db"). */
  name: string;
  signal?: AbortSignal;
  /**
   * How many test workers the runner will run at once, when the adapter knows: isolation pools
   * size their warm slots to it.
   */
  workers?: number;
}

export interface ServiceDefinition<Details extends ServiceDetailsBase = ServiceDetailsBase> {
  readonly kind: Details['kind'];
  /** Image the service runs, for messages. */
  readonly image: string;
  start(context: ServiceStartContext): Promise<RunningService<Details>>;
}

/** The details type of a service definition. */
export type DetailsOf<D> = D extends ServiceDefinition<infer Details> ? Details : never;

export type ServicesDetails<S extends Record<string, ServiceDefinition>> = { [K in keyof S]: DetailsOf<S[K]> };
