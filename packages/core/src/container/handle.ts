/**
 * A started container: what a test holds. Reads (ports, logs, inspect) and actions (exec, copy,
 * restart, stop). stop() is idempotent and, by default, removes the container with its anonymous
 * volumes; `await using` calls it.
 */
import type { ContainerInspect, Engine, ExecResult, SplitLogs } from '../engine/engine.js';
import { ContainerNotRunningError, InvalidSpecError, throwIfAborted } from '../errors.js';
import { containerLog } from '../log.js';
import type { ExposedPort, Protocol } from '../wait/target.js';
import { type ArchiveEntry, packCopies, readArchive, writeEntries } from './copy.js';
import type { LogHub } from './log-hub.js';
import { lookupPort, type PortMap } from './ports.js';
import type { CopySpec, ResolvedSpec, ReuseOutcome } from './spec.js';

export interface ExecCallOptions {
  env?: Record<string, string>;
  user?: string;
  workingDir?: string;
  signal?: AbortSignal;
}

export interface StopOptions {
  /** Remove the container (and its anonymous volumes). Default true unless the spec says `keep`. */
  remove?: boolean;
  /** Send the stop signal and wait this many seconds before killing, instead of killing at once. */
  gracefulSeconds?: number;
  /**
   * Only let go of the container (close this handle's log streams) and leave it running, with its
   * labels: a run that kept slices of failed tests in it (services/keep.ts).
   */
  leaveRunning?: boolean;
  signal?: AbortSignal;
}

/**
 * What a module built on a container does around its restart (postgres, mysql: reconnect on the new
 * host port). `before` runs (and is awaited, in the order the listeners came) before the engine
 * restarts the container: work the module has under way inside the container can finish there
 * first (nats: a configuration file half written when the server starts again would lose accounts).
 * `after` runs once it is ready again, or with the error when it did not come back (then restart()
 * rejects with that error).
 */
export interface RestartListener {
  before(): void | Promise<void>;
  after(outcome: { error?: unknown }): Promise<void>;
}

/** How a restart re-establishes readiness; supplied by the start flow. */
export type Readiness = (
  container: StartedContainer,
  signal: AbortSignal | undefined,
) => Promise<{ info: ContainerInspect; ports: PortMap; logs: LogHub }>;

export class StartedContainer implements AsyncDisposable {
  readonly id: string;
  readonly name: string;
  /** The image reference the container runs (after mirror or substitution). */
  readonly image: string;
  /** Host name or address where published ports are reachable. */
  readonly host: string;
  readonly #engine: Engine;
  readonly #spec: ResolvedSpec;
  readonly #readiness: Readiness;
  #ports: PortMap;
  #logs: LogHub;
  #stopped: Promise<void> | undefined;
  readonly #restartListeners: RestartListener[] = [];
  readonly #log = containerLog('container', () => this.id);

  constructor(
    engine: Engine,
    spec: ResolvedSpec,
    image: string,
    info: ContainerInspect,
    ports: PortMap,
    logs: LogHub,
    readiness: Readiness,
  ) {
    this.id = info.Id;
    this.name = info.Name.replace(/^\//, '');
    this.image = image;
    this.host = engine.portHost;
    this.#engine = engine;
    this.#spec = spec;
    this.#ports = ports;
    this.#logs = logs;
    this.#readiness = readiness;
  }

  /** Set when the container is reused across runs: what the start did and why. */
  get reuse(): ReuseOutcome | undefined {
    return this.#spec.reuse;
  }

  /** Host port published for `port` inside the container. Throws PortNotExposedError listing the exposed ones. */
  mappedPort(port: number, protocol: Protocol = 'tcp'): number {
    return lookupPort(this.#ports, port, protocol, { image: this.image, containerId: this.id });
  }

  /** Every exposed port, with its host port when published. */
  get ports(): readonly (ExposedPort & { hostPort: number | undefined })[] {
    return this.#ports.exposed.map((p) => ({ ...p, hostPort: this.#ports.mapped.get(`${p.port}/${p.protocol}`) }));
  }

  /** "host:port" for a container port, handy for connection strings. */
  address(port: number, protocol: Protocol = 'tcp'): string {
    return `${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.mappedPort(port, protocol)}`;
  }

  /** Runs argv (no shell unless you ask for one); exit code, stdout and stderr apart. */
  async exec(argv: string[], options: ExecCallOptions = {}): Promise<ExecResult> {
    this.#assertNotStopped('exec');
    throwIfAborted(options.signal, 'exec');
    this.#log('exec %o', argv);
    return this.#engine.exec(this.id, argv, options);
  }

  /** A snapshot of the logs so far, stdout and stderr kept apart. */
  async logs(options: { tail?: number; signal?: AbortSignal } = {}): Promise<{ stdout: string; stderr: string }> {
    const split = await this.#engine.logs(this.id, {
      follow: false,
      ...(options.tail === undefined ? {} : { tail: options.tail }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const [stdout, stderr] = await Promise.all([collect(split.stdout), collect(split.stderr)]);
    return { stdout, stderr };
  }

  /** Follows the logs live (from the beginning unless `since` says otherwise); call destroy() when done. */
  followLogs(options: { since?: Date; tail?: number; signal?: AbortSignal } = {}): Promise<SplitLogs> {
    return this.#engine.logs(this.id, {
      follow: true,
      ...(options.since ? { since: options.since.getTime() / 1000 } : {}),
      ...(options.tail === undefined ? {} : { tail: options.tail }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** The last lines berth saw while starting (and, with a log consumer, since). */
  logTail(count?: number): string[] {
    return this.#logs.tail(count);
  }

  /** Copies host files, directories or inline content into the container. */
  async copyTo(copies: CopySpec | CopySpec[], signal?: AbortSignal): Promise<void> {
    const archive = await packCopies(Array.isArray(copies) ? copies : [copies]);
    await this.#engine.putArchive(this.id, '/', archive, signal);
  }

  /** Entries of a file or directory inside the container (names relative to its parent). */
  async copyFrom(path: string, signal?: AbortSignal): Promise<ArchiveEntry[]> {
    return readArchive(await this.#engine.getArchive(this.id, path, signal));
  }

  /** Contents of one file inside the container. */
  async readFile(path: string, signal?: AbortSignal): Promise<Buffer> {
    const [entry] = (await this.copyFrom(path, signal)).filter((e) => e.type === 'file');
    if (!entry?.content) {
      throw new InvalidSpecError(`expected \`${path}\` to be a regular file in container ${this.name}`, {
        hint: 'copyFrom() returns every entry of a directory; copyOut() writes a directory to the host',
      });
    }
    return entry.content;
  }

  /** Copies a file or directory out of the container into `destination` on the host. */
  async copyOut(path: string, destination: string, signal?: AbortSignal): Promise<void> {
    await writeEntries(await this.copyFrom(path, signal), destination);
  }

  inspect(signal?: AbortSignal): Promise<ContainerInspect | undefined> {
    return this.#engine.inspectContainer(this.id, signal);
  }

  /**
   * Restarts, waits for readiness again (logs since the restart only), and re-reads port mappings:
   * the engine may publish other host ports. A module started on this container (postgres, mysql)
   * takes up the new ports before this resolves.
   */
  async restart(options: { timeoutSeconds?: number; signal?: AbortSignal } = {}): Promise<void> {
    this.#assertNotStopped('restart');
    const listeners = [...this.#restartListeners];
    try {
      for (const listener of listeners) await listener.before();
      this.#logs.close();
      await this.#engine.restartContainer(this.id, options.timeoutSeconds ?? 0, options.signal);
      const ready = await this.#readiness(this, options.signal);
      this.#ports = ready.ports;
      this.#logs = ready.logs;
    } catch (error) {
      await Promise.allSettled(listeners.map((listener) => listener.after({ error })));
      throw error;
    }
    for (const listener of listeners) await listener.after({});
  }

  /** @internal A module's part in restart(); returns the function that removes it. */
  onRestart(listener: RestartListener): () => void {
    this.#restartListeners.push(listener);
    return () => {
      const index = this.#restartListeners.indexOf(listener);
      if (index >= 0) this.#restartListeners.splice(index, 1);
    };
  }

  /** Idempotent. Kills and removes (with anonymous volumes) unless told otherwise. */
  stop(options: StopOptions = {}): Promise<void> {
    this.#stopped ??= this.#stop(options);
    return this.#stopped;
  }

  async #stop(options: StopOptions): Promise<void> {
    this.#logs.close();
    // A reused container outlives this handle: stop() only detaches, unless removal is asked for.
    if (this.#spec.reuse && options.remove !== true) {
      this.#log('detached (reused container kept for the next run)');
      return;
    }
    if (options.leaveRunning) {
      this.#log('detached (left running: it holds kept slices)');
      return;
    }
    const remove = options.remove ?? !this.#spec.keep;
    if (options.gracefulSeconds !== undefined || !remove) {
      await this.#engine.stopContainer(this.id, options.gracefulSeconds ?? this.#spec.stopTimeoutSeconds, options.signal);
    }
    if (remove) await this.#engine.removeContainer(this.id, { volumes: true });
    this.#log('stopped%s', remove ? ' and removed' : '');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  #assertNotStopped(what: string): void {
    if (this.#stopped) {
      throw new ContainerNotRunningError(`cannot ${what}: container ${this.name} was stopped`, {
        details: { image: this.image, containerId: this.id },
      });
    }
  }
}

async function collect(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
