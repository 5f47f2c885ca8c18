/**
 * @berth/core — the curated public surface, by name. Everything not listed here is internal
 * (runWait, withDetails, throwIfAborted, image reference formatters, the image substitution hook,
 * readConfig, ...), even when another module of core exports it.
 */

export type { BerthConfig } from '../config.js';
export type { ArchiveEntry } from '../container/copy.js';
export type { ExecCallOptions, StopOptions } from '../container/handle.js';
// containers
export { StartedContainer } from '../container/handle.js';
// reuse across runs
export type { ServiceReuse } from '../container/reuse-report.js';
export { reuseLine, reuseOf } from '../container/reuse-report.js';
export type {
  BindMount,
  ContainerSpec,
  CopySpec,
  HealthcheckSpec,
  NetworkAttachment,
  PortSpec,
  PullPolicy,
  ResourceLimits,
  ReuseOutcome,
  StartOptions,
  SystemSettings,
  TmpfsMount,
  VolumeMount,
} from '../container/spec.js';
export { start } from '../container/start.js';
// errors: every class of the one hierarchy (each with a static and an instance `code`)
// deprecated names of 0.1, kept working for a minor version (CHANGELOG.md says what replaces each)
export type { Broker, BrokerAddress, Handoff, RunningServices } from '../deprecated/root.js';
export {
  acquireLease,
  releaseLease,
  setImageSubstitution,
  startBroker,
  startServices,
  validateRunConfig,
} from '../deprecated/root.js';
// deprecations: one warning per old name, for adapters and modules that rename something
export { DEPRECATION_CODE, warnDeprecated } from '../deprecation.js';
export type { EngineEndpoint } from '../engine/endpoint.js';
export type { EngineFacts, ExecResult, SplitLogs } from '../engine/engine.js';
export type { EngineOptions } from '../engine/index.js';
// engine
export { getEngine } from '../engine/index.js';
export type { ContainerInspect, ContainerState, ImageInspect } from '../engine/types.js';
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
// images: building and pulling ahead of a start
export type { BuildImageOptions, BuildImageResult } from '../image/build.js';
export { buildImage } from '../image/build.js';
export type { PullProgressEvent } from '../image/progress.js';
export type { EnsureImageOptions, EnsureImageResult, ImageSubstitution } from '../image/pull.js';
export { ensureImage } from '../image/pull.js';
// networks and volumes
export type { Network, NetworkOptions } from '../network/index.js';
export { createNetwork } from '../network/index.js';
// secrets: values never printed in errors or logs (berth registers the ones it is handed)
export { redact, registerSecret } from '../secrets.js';
// services: what a test suite declares (the adapters' lifecycle lives in @berth/core/adapter)
export type { BerthRunConfig, EnvValue } from '../services/config.js';
export { defineConfig } from '../services/config.js';
export type {
  DetailsOf,
  Isolation,
  Lease,
  RunningService,
  ServiceDefinition,
  ServiceDetailsBase,
  ServiceStartContext,
  ServiceStopOptions,
  ServicesDetails,
} from '../services/definition.js';
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
export type { KeepMode, KeptSlice, TestOutcome } from '../services/keep.js';
export type { DatabaseDetails, DatabaseKind, ServiceKind, ServiceKinds } from '../services/kinds.js';
// sessions
export type { Session } from '../session/session.js';
export { createSession, currentSession, endSession } from '../session/session.js';
export type { Volume, VolumeOptions } from '../volume/index.js';
export { createVolume } from '../volume/index.js';
// wait strategies, and the narrow target a custom strategy sees
export type { CommandOptions } from '../wait/command.js';
export type { CompositeOptions } from '../wait/composite.js';
export type { ExitOptions } from '../wait/exit.js';
export type { HealthyOptions } from '../wait/healthy.js';
export type { HttpOptions, StatusExpectation } from '../wait/http.js';
export { wait } from '../wait/index.js';
export type { LogOptions } from '../wait/log.js';
export type { PortsOptions } from '../wait/ports.js';
export type { RunningOptions } from '../wait/running.js';
export type { WaitContext, WaitStrategy } from '../wait/strategy.js';
export type {
  ExposedPort,
  HealthState,
  LogLine,
  Protocol,
  TargetExecResult,
  TargetState,
  WaitTarget,
} from '../wait/target.js';
export type { ResourceOptions } from '../wait/wait-on.js';
