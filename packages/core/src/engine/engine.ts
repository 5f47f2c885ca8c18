/**
 * The only place that holds a dockerode object. Everything else in core talks to `Engine`, whose
 * methods take plain values, honour an AbortSignal, treat "already gone" as success where that is
 * what the caller wants, and turn engine failures into berth errors.
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { EngineError } from '../errors.js';
import { debug } from '../log.js';
import type { DiscoveryAttempt, EngineVersion } from './discovery.js';
import type { EngineEndpoint } from './endpoint.js';

const log = debug('engine');

export type ContainerCreateBody = Docker.ContainerCreateOptions;
export type ContainerInspect = Docker.ContainerInspectInfo;
export type ImageInspect = Docker.ImageInspectInfo;
export type ContainerSummary = Docker.ContainerInfo;
export type NetworkSummary = Docker.NetworkInspectInfo;
export interface VolumeSummary {
  Name: string;
  Labels: Record<string, string> | null;
  CreatedAt?: string;
}

export interface ExecOptions {
  env?: Record<string, string>;
  user?: string;
  workingDir?: string;
  signal?: AbortSignal;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface LogsOptions {
  follow: boolean;
  stdout?: boolean;
  stderr?: boolean;
  /** Unix seconds, or "seconds.nanoseconds" (the engine's own precise form). */
  since?: number | string;
  tail?: number;
  timestamps?: boolean;
  /** Whether the container has a TTY (then logs are not multiplexed); inspected when not given. */
  tty?: boolean;
  signal?: AbortSignal;
}

/** A multiplexed log stream split into its two channels. */
export interface SplitLogs {
  stdout: Readable;
  stderr: Readable;
  /** Ends both streams and frees the connection. */
  destroy(): void;
  /** Keeps the stream flowing without holding the event loop open. */
  unref(): void;
}

export interface EngineFacts {
  endpoint: EngineEndpoint;
  strategy: string;
  version: EngineVersion;
  attempts: DiscoveryAttempt[];
  /** Host name or address used to reach published ports. */
  portHost: string;
}

export function dockerodeOptions(endpoint: EngineEndpoint): Docker.DockerOptions {
  switch (endpoint.protocol) {
    case 'unix':
    case 'npipe':
      // `host: undefined` overrides what docker-modem would read from DOCKER_HOST by itself.
      return { socketPath: endpoint.socketPath, host: undefined } as Docker.DockerOptions;
    case 'ssh':
      return {
        protocol: 'ssh',
        host: endpoint.host,
        port: endpoint.port,
        username: endpoint.username,
        sshOptions: { agent: process.env.SSH_AUTH_SOCK },
      } as Docker.DockerOptions;
    default: {
      const tls = endpoint.tls;
      return {
        protocol: endpoint.protocol,
        host: endpoint.host,
        port: endpoint.port,
        ...(tls?.ca ? { ca: tls.ca } : {}),
        ...(tls?.cert ? { cert: tls.cert } : {}),
        ...(tls?.key ? { key: tls.key } : {}),
        ...(tls && !tls.verify ? { checkServerIdentity: () => undefined } : {}),
      } as Docker.DockerOptions;
    }
  }
}

export function createDocker(endpoint: EngineEndpoint, timeoutMs?: number): Docker {
  return new Docker({ ...dockerodeOptions(endpoint), ...(timeoutMs ? { timeout: timeoutMs } : {}) });
}

/**
 * Ping with a short deadline; resolves with version facts. Used by discovery, so it is on every
 * process's first start: `GET /_ping` answers from the daemon itself and carries the API version and
 * server in its headers, where `GET /version` makes dockerd run `runc --version` and friends (tens of
 * milliseconds). ssh endpoints go through dockerode.
 */
export async function pingEndpoint(endpoint: EngineEndpoint, timeoutMs = 3000): Promise<EngineVersion> {
  try {
    if (endpoint.protocol === 'ssh') return await versionViaDockerode(endpoint, timeoutMs);
    return await rawPing(endpoint, timeoutMs);
  } catch (error) {
    throw new Error(describeEngineError(error));
  }
}

function rawPing(endpoint: EngineEndpoint, timeoutMs: number): Promise<EngineVersion> {
  return new Promise((resolve, reject) => {
    const tls = endpoint.tls;
    const options: https.RequestOptions = {
      method: 'GET',
      path: '/_ping',
      timeout: timeoutMs,
      agent: false,
      ...(endpoint.socketPath ? { socketPath: endpoint.socketPath } : { host: endpoint.host, port: endpoint.port }),
      ...(endpoint.protocol === 'https' ? { ca: tls?.ca, cert: tls?.cert, key: tls?.key, rejectUnauthorized: tls?.verify ?? true } : {}),
    };
    const request = (endpoint.protocol === 'https' ? https.request : http.request)(options, (response) => {
      response.resume();
      response.on('end', () => {
        if ((response.statusCode ?? 500) >= 400) {
          reject(new Error(`engine answered ${response.statusCode} to a ping`));
          return;
        }
        const header = (name: string) => {
          const value = response.headers[name];
          return Array.isArray(value) ? value[0] : value;
        };
        // "Docker/20.10.24+dfsg1 (linux)", "Libpod/4.3.1 (linux)"
        const server = /^([^/]+)\/(\S+)/.exec(header('server') ?? '');
        resolve({
          version: server?.[2] ?? 'unknown',
          apiVersion: header('api-version') ?? 'unknown',
          ...(header('ostype') ? { os: header('ostype') as string } : {}),
          ...(server?.[1] ? { platform: server[1] } : {}),
        });
      });
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error('no answer in time'), { name: 'TimeoutError' })));
    request.on('error', reject);
    request.end();
  });
}

async function versionViaDockerode(endpoint: EngineEndpoint, timeoutMs: number): Promise<EngineVersion> {
  const docker = createDocker(endpoint, timeoutMs);
  const signal = AbortSignal.timeout(timeoutMs);
  // dockerode accepts options here although its types do not say so.
  const version = docker.version as unknown as (options: object) => Promise<Docker.DockerVersion>;
  const v = (await version.call(docker, { abortSignal: signal })) as Docker.DockerVersion & { Platform?: { Name?: string } };
  return {
    version: v.Version,
    apiVersion: v.ApiVersion,
    os: v.Os,
    arch: v.Arch,
    ...(v.Platform?.Name ? { platform: v.Platform.Name } : {}),
  };
}

export function describeEngineError(error: unknown): string {
  const e = error as { name?: string; code?: string; message?: string; statusCode?: number; json?: { message?: string } };
  if (e?.code === 'ENOENT') return 'socket does not exist';
  if (e?.code === 'EACCES') return 'permission denied on the socket (is your user in the docker group?)';
  if (e?.code === 'ECONNREFUSED') return 'connection refused';
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return 'no answer in time';
  if (e?.json?.message) return e.json.message;
  return e?.message ?? String(error);
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number })?.statusCode;
}

/** Engine errors carry the daemon's message in `json.message`; dockerode's own message is noisier. */
export function engineMessage(error: unknown): string {
  const e = error as { json?: { message?: string } | string; reason?: string; message?: string };
  if (e?.json && typeof e.json === 'object' && e.json.message) return e.json.message;
  if (typeof e?.json === 'string' && e.json.trim()) return e.json.trim();
  return e?.message ?? String(error);
}

export class Engine {
  readonly #docker: Docker;
  readonly facts: EngineFacts;

  constructor(docker: Docker, facts: EngineFacts) {
    this.#docker = docker;
    this.facts = facts;
  }

  get portHost(): string {
    return this.facts.portHost;
  }

  // ---------------------------------------------------------------- images

  async inspectImage(ref: string, signal?: AbortSignal): Promise<ImageInspect | undefined> {
    try {
      return await this.#docker.getImage(ref).inspect({ abortSignal: signal } as object);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.#wrap(error, `inspecting image ${ref}`);
    }
  }

  /** Starts a pull; the caller reads the JSON progress stream (see image/pull.ts). */
  async pullStream(
    ref: string,
    auth: Record<string, unknown> | undefined,
    platform: string | undefined,
    signal?: AbortSignal,
  ): Promise<Readable> {
    const opts: Record<string, unknown> = { abortSignal: signal };
    if (auth) opts.authconfig = auth;
    if (platform) opts.platform = platform;
    return (await this.#docker.pull(ref, opts)) as Readable;
  }

  /** Starts a build from a tar stream of the context; the caller reads the JSON progress stream. */
  async buildStream(context: Readable, options: Record<string, unknown>, signal?: AbortSignal): Promise<Readable> {
    return (await this.#docker.buildImage(context as never, { ...options, abortSignal: signal } as object)) as Readable;
  }

  async removeImage(ref: string, force = false): Promise<void> {
    try {
      await this.#docker.getImage(ref).remove({ force });
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw this.#wrap(error, `removing image ${ref}`);
    }
  }

  async listImages(labels: Record<string, string | true>): Promise<Docker.ImageInfo[]> {
    return this.#docker.listImages({ filters: JSON.stringify({ label: labelFilter(labels) }) });
  }

  /**
   * Commits a container's filesystem to a new image `repo:tag` (POST /commit; the container is paused
   * meanwhile). `labels` are laid over the container's own (the engine merges, it cannot drop one).
   * Returns the image id.
   */
  async commitContainer(
    id: string,
    options: { repo: string; tag: string; labels: Record<string, string> },
    signal?: AbortSignal,
  ): Promise<string> {
    try {
      const result = (await this.#docker.getContainer(id).commit({
        _query: { container: id, repo: options.repo, tag: options.tag, pause: true },
        _body: { Labels: options.labels },
        abortSignal: signal,
      } as object)) as { Id?: string };
      return result.Id ?? '';
    } catch (error) {
      throw this.#wrap(error, `committing container ${id.slice(0, 12)}`);
    }
  }

  // ---------------------------------------------------------------- containers

  async createContainer(body: ContainerCreateBody, signal?: AbortSignal): Promise<string> {
    // name and platform are query parameters; the rest is the JSON body. Splitting them keeps
    // env values out of the request URL.
    const { name, platform, ...rest } = body as ContainerCreateBody & { platform?: string };
    const query: Record<string, string> = {};
    if (name) query.name = name;
    if (platform) query.platform = platform;
    const container = await this.#docker.createContainer({ _query: query, _body: rest, abortSignal: signal } as object);
    return container.id;
  }

  async startContainer(id: string, signal?: AbortSignal): Promise<void> {
    await this.#docker.getContainer(id).start({ abortSignal: signal } as object);
  }

  async inspectContainer(id: string, signal?: AbortSignal): Promise<ContainerInspect | undefined> {
    try {
      return await this.#docker.getContainer(id).inspect({ abortSignal: signal } as object);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.#wrap(error, `inspecting container ${id.slice(0, 12)}`);
    }
  }

  /** Stops with the engine's grace period; "not running" and "gone" count as success. */
  async stopContainer(id: string, timeoutSeconds?: number, signal?: AbortSignal): Promise<void> {
    try {
      await this.#docker
        .getContainer(id)
        .stop({ ...(timeoutSeconds === undefined ? {} : { t: timeoutSeconds }), abortSignal: signal } as object);
    } catch (error) {
      const status = statusOf(error);
      if (status === 304 || status === 404) return;
      throw this.#wrap(error, `stopping container ${id.slice(0, 12)}`);
    }
  }

  async restartContainer(id: string, timeoutSeconds?: number, signal?: AbortSignal): Promise<void> {
    await this.#docker
      .getContainer(id)
      .restart({ ...(timeoutSeconds === undefined ? {} : { t: timeoutSeconds }), abortSignal: signal } as object);
  }

  /** Force-removes with anonymous volumes; idempotent (404 and "already in progress" are fine). */
  async removeContainer(id: string, options: { volumes?: boolean } = {}): Promise<void> {
    try {
      await this.#docker.getContainer(id).remove({ force: true, v: options.volumes ?? true });
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) return;
      if (status === 409 && /already in progress/i.test(engineMessage(error))) return;
      throw this.#wrap(error, `removing container ${id.slice(0, 12)}`);
    }
  }

  /** Resolves with the exit code once the container is not running (long poll, no busy loop). */
  async waitForExit(id: string, signal?: AbortSignal): Promise<number> {
    const result = (await this.#docker.getContainer(id).wait({ abortSignal: signal } as object)) as { StatusCode: number };
    return result.StatusCode;
  }

  async listContainers(labels: Record<string, string | true>, all = true): Promise<ContainerSummary[]> {
    return this.#docker.listContainers({ all, filters: JSON.stringify({ label: labelFilter(labels) }) });
  }

  async logs(id: string, options: LogsOptions): Promise<SplitLogs> {
    const container = this.#docker.getContainer(id);
    const query = {
      follow: options.follow,
      stdout: options.stdout ?? true,
      stderr: options.stderr ?? true,
      timestamps: options.timestamps ?? false,
      ...(options.since !== undefined ? { since: options.since } : {}),
      ...(options.tail !== undefined ? { tail: options.tail } : {}),
      abortSignal: options.signal,
    };
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const tty = options.tty ?? (await this.inspectContainer(id))?.Config.Tty ?? false;
    const raw = (await container.logs(query as object)) as unknown as Readable | Buffer;
    if (Buffer.isBuffer(raw)) {
      // Non-follow logs come back as one buffer.
      if (tty) stdout.end(raw);
      else {
        const { out, err } = demuxBuffer(raw);
        stdout.end(out);
        stderr.end(err);
      }
      if (tty) stderr.end();
      return { stdout, stderr, destroy: () => undefined, unref: () => undefined };
    }
    if (tty) {
      raw.pipe(stdout);
      stderr.end();
    } else {
      this.#docker.modem.demuxStream(raw, stdout, stderr);
      raw.on('end', () => {
        stdout.end();
        stderr.end();
      });
    }
    raw.on('error', (error) => {
      stdout.destroy(error);
      stderr.destroy(error);
    });
    raw.on('close', () => {
      stdout.end();
      stderr.end();
    });
    return {
      stdout,
      stderr,
      destroy: () => {
        raw.destroy();
        stdout.end();
        stderr.end();
      },
      unref: () => {
        (raw as Readable & { socket?: { unref?: () => void } }).socket?.unref?.();
      },
    };
  }

  async exec(id: string, argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const container = this.#docker.getContainer(id);
    const exec = await container.exec({
      Cmd: argv,
      AttachStdout: true,
      AttachStderr: true,
      ...(options.env ? { Env: Object.entries(options.env).map(([k, v]) => `${k}=${v}`) } : {}),
      ...(options.user ? { User: options.user } : {}),
      ...(options.workingDir ? { WorkingDir: options.workingDir } : {}),
      abortSignal: options.signal,
    } as object);
    const stream = (await exec.start({ hijack: true, stdin: false, abortSignal: options.signal } as object)) as Readable;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on('data', (chunk: Buffer) => out.push(chunk));
    stderr.on('data', (chunk: Buffer) => err.push(chunk));
    this.#docker.modem.demuxStream(stream, stdout, stderr);
    await new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
      options.signal?.addEventListener('abort', () => {
        stream.destroy();
        reject(options.signal?.reason);
      });
    });
    const inspected = await exec.inspect();
    return {
      exitCode: inspected.ExitCode ?? -1,
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
    };
  }

  async putArchive(id: string, path: string, tar: Readable | Buffer, signal?: AbortSignal): Promise<void> {
    await this.#docker.getContainer(id).putArchive(tar as never, { path, abortSignal: signal } as object);
  }

  async getArchive(id: string, path: string, signal?: AbortSignal): Promise<Readable> {
    return (await this.#docker.getContainer(id).getArchive({ path, abortSignal: signal } as object)) as unknown as Readable;
  }

  // ---------------------------------------------------------------- networks

  async createNetwork(options: { name: string; labels: Record<string, string>; internal?: boolean; driver?: string }): Promise<string> {
    const network = await this.#docker.createNetwork({
      Name: options.name,
      Labels: options.labels,
      Internal: options.internal ?? false,
      Driver: options.driver ?? 'bridge',
      CheckDuplicate: true,
    });
    return network.id;
  }

  async removeNetwork(idOrName: string): Promise<void> {
    try {
      await this.#docker.getNetwork(idOrName).remove();
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw this.#wrap(error, `removing network ${idOrName}`);
    }
  }

  async connectNetwork(network: string, containerId: string, aliases: string[] = []): Promise<void> {
    await this.#docker.getNetwork(network).connect({ Container: containerId, EndpointConfig: { Aliases: aliases } });
  }

  async disconnectNetwork(network: string, containerId: string): Promise<void> {
    try {
      await this.#docker.getNetwork(network).disconnect({ Container: containerId, Force: true });
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw this.#wrap(error, `disconnecting from network ${network}`);
    }
  }

  async listNetworks(labels: Record<string, string | true>): Promise<NetworkSummary[]> {
    return this.#docker.listNetworks({ filters: JSON.stringify({ label: labelFilter(labels) }) } as object);
  }

  // ---------------------------------------------------------------- volumes

  async createVolume(options: { name: string; labels: Record<string, string>; driver?: string }): Promise<string> {
    const volume = (await this.#docker.createVolume({
      Name: options.name,
      Labels: options.labels,
      Driver: options.driver ?? 'local',
    } as object)) as unknown as { name?: string; Name?: string };
    return volume.Name ?? volume.name ?? options.name;
  }

  async removeVolume(name: string): Promise<void> {
    try {
      await this.#docker.getVolume(name).remove({ force: true } as object);
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw this.#wrap(error, `removing volume ${name}`);
    }
  }

  async listVolumes(labels: Record<string, string | true>): Promise<VolumeSummary[]> {
    const result = (await this.#docker.listVolumes({ filters: JSON.stringify({ label: labelFilter(labels) }) } as object)) as {
      Volumes: VolumeSummary[] | null;
    };
    return result.Volumes ?? [];
  }

  async inspectVolume(name: string): Promise<VolumeSummary | undefined> {
    try {
      return (await this.#docker.getVolume(name).inspect()) as unknown as VolumeSummary;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.#wrap(error, `inspecting volume ${name}`);
    }
  }

  #wrap(error: unknown, what: string): EngineError {
    log('%s failed: %s', what, engineMessage(error));
    return new EngineError(`${what} failed: ${engineMessage(error)}`, { cause: error });
  }
}

function labelFilter(labels: Record<string, string | true>): string[] {
  return Object.entries(labels).map(([key, value]) => (value === true ? key : `${key}=${value}`));
}

/** Splits a non-streamed multiplexed log buffer (8-byte frame headers) into stdout and stderr. */
export function demuxBuffer(buffer: Buffer): { out: Buffer; err: Buffer } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const kind = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    const frame = buffer.subarray(offset + 8, offset + 8 + size);
    if (kind === 2) err.push(frame);
    else out.push(frame);
    offset += 8 + size;
  }
  return { out: Buffer.concat(out), err: Buffer.concat(err) };
}

export { statusOf };
