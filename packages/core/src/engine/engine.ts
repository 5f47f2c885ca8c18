/**
 * `Engine`: the facade the rest of core talks to. Its methods take plain values, honour an
 * AbortSignal, treat "already gone" as success where that is what the caller wants, return berth's
 * own types (types.ts) and throw only berth errors (failure.ts, connection-errors.ts). Each concern
 * lives in its own file; this class only binds them to one transport.
 *
 * Transport decision: berth speaks the Engine API itself over node:http / node:https (transport.ts)
 * on the discovered endpoint — unix socket, named pipe, tcp, tcp+TLS, and ssh through the system's
 * `ssh` running `docker system dial-stdio` (ssh.ts) — image builds included (build.ts, the classic
 * builder), so @berth/core depends on no HTTP client library, ssh2, gRPC or protobufjs, and no
 * published type names one (docs/architecture.md says why).
 */
import type { Readable } from 'node:stream';
import { getArchive, putArchive } from './archive.js';
import { type BuildParameters, buildStream } from './build.js';
import * as containers from './containers.js';
import type { DiscoveryAttempt, EngineVersion } from './discovery.js';
import type { EngineEndpoint } from './endpoint.js';
import { execInContainer } from './exec.js';
import * as images from './images.js';
import { containerLogs, type SplitLogs } from './logs.js';
import * as networks from './networks.js';
import type { Transport } from './transport.js';
import type {
  ContainerCreateBody,
  ContainerInspect,
  ContainerSummary,
  ExecOptions,
  ExecResult,
  ImageInspect,
  ImageSummary,
  LogsOptions,
  NetworkSummary,
  VolumeSummary,
} from './types.js';
import * as volumes from './volumes.js';

/** The HTTP status of an engine error (for callers that branch on it). */
export { httpStatusOf as statusOf } from './failure.js';
export type { SplitLogs } from './logs.js';
export type {
  ContainerCreateBody,
  ContainerInspect,
  ContainerSummary,
  ExecOptions,
  ExecResult,
  ImageInspect,
  ImageSummary,
  LogsOptions,
  NetworkSummary,
  VolumeSummary,
} from './types.js';

export interface EngineFacts {
  endpoint: EngineEndpoint;
  strategy: string;
  version: EngineVersion;
  attempts: DiscoveryAttempt[];
  /** Host name or address used to reach published ports. */
  portHost: string;
}

export class Engine {
  readonly #t: Transport;
  readonly facts: EngineFacts;

  constructor(transport: Transport, facts: EngineFacts) {
    this.#t = transport;
    this.facts = facts;
  }

  get portHost(): string {
    return this.facts.portHost;
  }

  // ---------------------------------------------------------------- images

  inspectImage(ref: string, signal?: AbortSignal): Promise<ImageInspect | undefined> {
    return images.inspectImage(this.#t, ref, signal);
  }

  /** Starts a pull; the caller reads the JSON progress stream (see image/pull.ts). */
  pullStream(
    ref: string,
    auth: Record<string, unknown> | undefined,
    platform: string | undefined,
    signal?: AbortSignal,
  ): Promise<Readable> {
    return images.pullStream(this.#t, ref, auth, platform, signal);
  }

  /** Starts a build from a tar stream of the context; the caller reads the JSON progress stream. */
  buildStream(context: Readable, parameters: BuildParameters, signal?: AbortSignal): Promise<Readable> {
    return buildStream(this.#t, context, parameters, signal);
  }

  removeImage(ref: string, force = false): Promise<void> {
    return images.removeImage(this.#t, ref, force);
  }

  listImages(labels: Record<string, string | true>): Promise<ImageSummary[]> {
    return images.listImages(this.#t, labels);
  }

  // ---------------------------------------------------------------- containers

  createContainer(body: ContainerCreateBody, signal?: AbortSignal): Promise<string> {
    return containers.createContainer(this.#t, body, signal);
  }

  startContainer(id: string, signal?: AbortSignal): Promise<void> {
    return containers.startContainer(this.#t, id, signal);
  }

  inspectContainer(id: string, signal?: AbortSignal): Promise<ContainerInspect | undefined> {
    return containers.inspectContainer(this.#t, id, signal);
  }

  /** Stops with the engine's grace period; "not running" and "gone" count as success. */
  stopContainer(id: string, timeoutSeconds?: number, signal?: AbortSignal): Promise<void> {
    return containers.stopContainer(this.#t, id, timeoutSeconds, signal);
  }

  restartContainer(id: string, timeoutSeconds?: number, signal?: AbortSignal): Promise<void> {
    return containers.restartContainer(this.#t, id, timeoutSeconds, signal);
  }

  /** Force-removes with anonymous volumes; idempotent (404 and "already in progress" are fine). */
  removeContainer(id: string, options: { volumes?: boolean } = {}): Promise<void> {
    return containers.removeContainer(this.#t, id, options);
  }

  /** Resolves with the exit code once the container is not running (long poll, no busy loop). */
  waitForExit(id: string, signal?: AbortSignal): Promise<number> {
    return containers.waitForExit(this.#t, id, signal);
  }

  /** Commits a container's filesystem to a new image `repo:tag`; returns the image id. */
  commitContainer(
    id: string,
    options: { repo: string; tag: string; labels: Record<string, string> },
    signal?: AbortSignal,
  ): Promise<string> {
    return containers.commitContainer(this.#t, id, options, signal);
  }

  listContainers(labels: Record<string, string | true>, all = true): Promise<ContainerSummary[]> {
    return containers.listContainers(this.#t, labels, all);
  }

  logs(id: string, options: LogsOptions): Promise<SplitLogs> {
    return containerLogs(this.#t, id, options);
  }

  exec(id: string, argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    return execInContainer(this.#t, id, argv, options);
  }

  putArchive(id: string, path: string, tar: Readable | Buffer, signal?: AbortSignal): Promise<void> {
    return putArchive(this.#t, id, path, tar, signal);
  }

  getArchive(id: string, path: string, signal?: AbortSignal): Promise<Readable> {
    return getArchive(this.#t, id, path, signal);
  }

  // ---------------------------------------------------------------- networks

  createNetwork(options: networks.NetworkCreateOptions): Promise<string> {
    return networks.createNetwork(this.#t, options);
  }

  removeNetwork(idOrName: string): Promise<void> {
    return networks.removeNetwork(this.#t, idOrName);
  }

  connectNetwork(
    network: string,
    containerId: string,
    aliases: string[] = [],
    addresses: { ipv4?: string; ipv6?: string } = {},
  ): Promise<void> {
    return networks.connectNetwork(this.#t, network, containerId, aliases, addresses);
  }

  disconnectNetwork(network: string, containerId: string): Promise<void> {
    return networks.disconnectNetwork(this.#t, network, containerId);
  }

  listNetworks(labels: Record<string, string | true>): Promise<NetworkSummary[]> {
    return networks.listNetworks(this.#t, labels);
  }

  // ---------------------------------------------------------------- volumes

  createVolume(options: {
    name: string;
    labels: Record<string, string>;
    driver?: string;
    driverOpts?: Record<string, string>;
  }): Promise<string> {
    return volumes.createVolume(this.#t, options);
  }

  removeVolume(name: string): Promise<void> {
    return volumes.removeVolume(this.#t, name);
  }

  listVolumes(labels: Record<string, string | true>): Promise<VolumeSummary[]> {
    return volumes.listVolumes(this.#t, labels);
  }

  inspectVolume(name: string): Promise<VolumeSummary | undefined> {
    return volumes.inspectVolume(this.#t, name);
  }
}
