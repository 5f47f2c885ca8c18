/**
 * @berth/core — the curated public surface. Everything not exported here is internal.
 */

export type { BerthConfig } from '../config.js';
// configuration
export { readConfig } from '../config.js';
export type { ArchiveEntry } from '../container/copy.js';
export type { ExecCallOptions, StopOptions } from '../container/handle.js';
export { StartedContainer } from '../container/handle.js';
export type {
  BindMount,
  ContainerSpec,
  CopySpec,
  HealthcheckSpec,
  NetworkAttachment,
  PortSpec,
  PullPolicy,
  ResourceLimits,
  StartOptions,
  TmpfsMount,
  VolumeMount,
} from '../container/spec.js';
// containers
export { start } from '../container/start.js';
export type { EngineEndpoint } from '../engine/endpoint.js';
export type { EngineFacts, ExecResult } from '../engine/engine.js';
export type { EngineOptions } from '../engine/index.js';
// engine
export { getEngine } from '../engine/index.js';
// errors
export * from '../errors.js';
// images
export * from '../image/index.js';
// session, network, volume (owned by the session layer)
export type { Network, NetworkOptions } from '../network/index.js';
export { createNetwork } from '../network/index.js';
// services: what a test suite declares (adapters' lifecycle lives in @berth/core/adapter)
export { BrokerError } from '../services/broker.js';
export type { BerthRunConfig } from '../services/config.js';
export { defineConfig } from '../services/config.js';
export type {
  DetailsOf,
  Isolation,
  Lease,
  RunningService,
  ServiceDefinition,
  ServiceDetailsBase,
  ServiceStartContext,
  ServicesDetails,
} from '../services/definition.js';
export type { DatabaseDetails, DatabaseKind, ServiceKind, ServiceKinds } from '../services/kinds.js';
export type { Session } from '../session/session.js';
export { createSession, currentSession, endSession } from '../session/session.js';
export type { Volume, VolumeOptions } from '../volume/index.js';
export { createVolume } from '../volume/index.js';
// wait strategies
export * from '../wait/index.js';
