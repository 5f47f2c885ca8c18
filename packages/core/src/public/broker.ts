/**
 * @berth/core/broker — the worker side of a run, without the engine client: the lease client, the
 * shared test helpers (createTestHelpers) and the error classes. Test workers import this entry and
 * skip loading the rest of core (about a second per worker on a busy machine).
 */

// errors: the whole hierarchy, so that a worker can test `instanceof` on what the broker rebuilt
// deprecations (adapters warn through the same helper as core)
export { DEPRECATION_CODE, warnDeprecated } from '../deprecation.js';
export type { BerthErrorOptions, ErrorDetails, StartPhase } from '../errors.js';
export {
  AbortError,
  BerthError,
  BrokerError,
  BuildError,
  CleanupError,
  ComposeFileError,
  ComposeStartError,
  ConfigError,
  ContainerExitedError,
  ContainerNotFoundError,
  ContainerNotRunningError,
  ContainerStartError,
  EngineError,
  EngineUnreachableError,
  FileNotFoundInContainerError,
  ImageNotFoundError,
  InvalidImageReferenceError,
  InvalidSpecError,
  isBerthError,
  MissingPeerDependencyError,
  ModuleError,
  NameConflictError,
  NotSerialisableError,
  PoolTimeoutError,
  PortInUseError,
  PortNotExposedError,
  PullError,
  RedisReplyError,
  RegistryAuthError,
  RunStoppingError,
  WaitAttemptError,
  WaitFailedError,
  WaitTimeoutError,
} from '../errors.js';
// the lease client and the helpers both runner adapters re-export
export type { BrokerAddress, LeaseRequester } from '../services/broker.js';
export { acquireLease, releaseLease } from '../services/broker.js';
export type { Lease, ServiceDetailsBase } from '../services/definition.js';
export type {
  AnyDatabaseDetails,
  AnyServiceDetails,
  DetailsFor,
  KindFor,
  Register,
  RegisteredServices,
  ServiceName,
  ServiceNameOf,
  TestHelpers,
} from '../services/helper-types.js';
export type { GiveBack, RunnerHooks } from '../services/helpers.js';
export { createTestHelpers } from '../services/helpers.js';
export type { KeepMode, KeptSlice, TestOutcome } from '../services/keep.js';
export { keptNote } from '../services/keep.js';
export type { DatabaseDetails, DatabaseKind, ServiceKind, ServiceKinds } from '../services/kinds.js';
// `berth run`: the run's variables and the client every process of the command can use
export type { HeldLease, RunClient } from '../services/run-client.js';
export { connectRun } from '../services/run-client.js';
export { BROKER_TOKEN_VARIABLE, BROKER_URL_VARIABLE, readRunVariables, SERVICES_VARIABLE } from '../services/run-env.js';
export type { Handoff } from '../services/start-services.js';
export type { TestBoundary, TestBoundaryOptions } from '../services/test-boundary.js';
export { testBoundary } from '../services/test-boundary.js';
