/**
 * @berth/core/broker — the worker-side lease client and the error classes, without the engine
 * client. Test workers that only ask the run's broker for fresh databases import this entry and
 * skip loading the engine client and the rest of core (about a second per worker on a busy machine).
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
  PortNotExposedError,
  PullError,
  RedisReplyError,
  RegistryAuthError,
  WaitAttemptError,
  WaitFailedError,
  WaitTimeoutError,
} from '../errors.js';
// the lease client (adapter-only: 14-lifecycle may move it next to `@berth/core/adapter`)
export type { BrokerAddress } from '../services/broker.js';
export { acquireLease, releaseLease } from '../services/broker.js';
export type { Lease, ServiceDetailsBase } from '../services/definition.js';
