/**
 * @berth/core/broker — the worker side of a run, without the engine client: the lease client, the
 * shared test helpers (createTestHelpers) and the error classes. Test workers import this entry and
 * skip loading the rest of core (about a second per worker on a busy machine).
 */

// errors: the whole hierarchy, so that a worker can test `instanceof` on what the broker rebuilt
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
export type { BrokerAddress } from '../services/broker.js';
export { acquireLease, releaseLease } from '../services/broker.js';
export type { Lease, ServiceDetailsBase } from '../services/definition.js';
export type { AnyServiceDetails, RunnerHooks, TestHelpers } from '../services/helpers.js';
export { createTestHelpers } from '../services/helpers.js';
export type { DatabaseDetails, DatabaseKind, ServiceKind, ServiceKinds } from '../services/kinds.js';
export type { Handoff } from '../services/start-services.js';
