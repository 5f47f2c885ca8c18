/**
 * One hierarchy for everything berth throws. Each class has a stable `code` that callers can switch
 * on, a one-line `message`, a `hint` that says what to do next, and the original error as `cause`.
 * Context that helps debugging (image, container id, phase, elapsed time, log tail) travels in
 * `details` and is appended to the message so it shows up in test runner output.
 *
 * Secrets (see secrets.ts) are redacted in the base class, so every subclass prints safely; a cause
 * that carries a secret is attached as a redacted copy of the same class.
 */

import { redact, redactError, redactValue } from './secrets.js';

export type StartPhase = 'validate' | 'discover' | 'pull' | 'build' | 'create' | 'copy' | 'start' | 'wait';

export interface ErrorDetails {
  image?: string;
  containerId?: string;
  containerName?: string;
  service?: string;
  phase?: StartPhase;
  elapsedMs?: number;
  /** Last lines the container printed (stdout and stderr, interleaved as received). */
  logTail?: string[];
  /** The service's timeline up to the failure, one span a line (see docs/tracing.md). */
  timeline?: string[];
  exitCode?: number;
  oomKilled?: boolean;
  [key: string]: unknown;
}

export interface BerthErrorOptions {
  hint?: string;
  cause?: unknown;
  details?: ErrorDetails;
}

export class BerthError extends Error {
  /** The code every instance of this class carries; `error.code === SomeError.code` is a safe test. */
  static readonly code: string = 'BERTH_ERROR';
  readonly code: string = 'BERTH_ERROR';
  readonly hint: string | undefined;
  readonly details: ErrorDetails;
  /** The one-line summary, without the appended context. */
  readonly summary: string;

  constructor(message: string, options: BerthErrorOptions = {}) {
    // Everything an error prints is redacted here, once, for every subclass: registered secrets, URL
    // passwords and registry credentials never reach a message, hint, detail, stack or cause.
    const summary = redact(message);
    const redacted: BerthErrorOptions = { details: redactValue(options.details ?? {}) };
    if (options.hint !== undefined) redacted.hint = redact(options.hint);
    const cause = options.cause === undefined ? undefined : redactError(options.cause);
    super(formatMessage(summary, redacted), cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.summary = summary;
    this.hint = redacted.hint;
    this.details = redacted.details ?? {};
  }
}

function formatMessage(message: string, { hint, details }: BerthErrorOptions): string {
  const lines = [message];
  if (details) {
    const facts: string[] = [];
    if (details.service) facts.push(`service: ${details.service}`);
    if (details.image) facts.push(`image: ${details.image}`);
    if (details.containerId) facts.push(`container: ${details.containerId.slice(0, 12)}`);
    if (details.phase) facts.push(`phase: ${details.phase}`);
    if (details.elapsedMs !== undefined) facts.push(`after ${Math.round(details.elapsedMs)} ms`);
    if (details.exitCode !== undefined) facts.push(`exit code: ${details.exitCode}`);
    if (details.oomKilled) facts.push('OOM-killed');
    if (facts.length > 0) lines.push(`  ${facts.join(', ')}`);
    if (details.timeline && details.timeline.length > 0) {
      lines.push(`  timeline of ${details.service ? `service ${details.service}` : 'the start'} (from its first step):`);
      for (const line of details.timeline) lines.push(`    ${line}`);
    }
    if (details.logTail && details.logTail.length > 0) {
      lines.push(`  last ${details.logTail.length} log lines:`);
      for (const line of details.logTail) lines.push(`    | ${line}`);
    }
  }
  if (hint) lines.push(`  hint: ${hint}`);
  return lines.join('\n');
}

/** A spec, option or argument is invalid. Thrown before anything touches the engine. */
export class InvalidSpecError extends BerthError {
  static override readonly code = 'BERTH_INVALID_SPEC';
  override readonly code = 'BERTH_INVALID_SPEC';
}

/** No engine could be reached; `details.attempts` lists every discovery strategy and its outcome. */
export class EngineUnreachableError extends BerthError {
  static override readonly code = 'BERTH_ENGINE_UNREACHABLE';
  override readonly code = 'BERTH_ENGINE_UNREACHABLE';
}

/**
 * The engine answered with an error that berth has no more specific class for. `status` is the HTTP
 * status and `engineMessage` the engine's own words (both kept in `details`, so they survive
 * `withDetails`).
 */
export class EngineError extends BerthError {
  static override readonly code: string = 'BERTH_ENGINE_ERROR';
  override readonly code: string = 'BERTH_ENGINE_ERROR';
  get status(): number | undefined {
    return typeof this.details.status === 'number' ? this.details.status : undefined;
  }
  get engineMessage(): string | undefined {
    return typeof this.details.engineMessage === 'string' ? this.details.engineMessage : undefined;
  }
}

export class InvalidImageReferenceError extends BerthError {
  static override readonly code = 'BERTH_INVALID_IMAGE_REFERENCE';
  override readonly code = 'BERTH_INVALID_IMAGE_REFERENCE';
}

export class ImageNotFoundError extends BerthError {
  static override readonly code = 'BERTH_IMAGE_NOT_FOUND';
  override readonly code = 'BERTH_IMAGE_NOT_FOUND';
}

export class RegistryAuthError extends BerthError {
  static override readonly code = 'BERTH_REGISTRY_AUTH';
  override readonly code = 'BERTH_REGISTRY_AUTH';
}

export class PullError extends BerthError {
  static override readonly code = 'BERTH_PULL_FAILED';
  override readonly code = 'BERTH_PULL_FAILED';
}

export class BuildError extends BerthError {
  static override readonly code = 'BERTH_BUILD_FAILED';
  override readonly code = 'BERTH_BUILD_FAILED';
}

/** Creating or starting the container failed (bad bind source, port in use, ...). */
export class ContainerStartError extends BerthError {
  static override readonly code = 'BERTH_CONTAINER_START_FAILED';
  override readonly code = 'BERTH_CONTAINER_START_FAILED';
}

/** The container exited (or was OOM-killed) while berth was waiting for it to become ready. */
export class ContainerExitedError extends BerthError {
  static override readonly code = 'BERTH_CONTAINER_EXITED';
  override readonly code = 'BERTH_CONTAINER_EXITED';
}

/** A wait strategy did not see readiness before its deadline. */
export class WaitTimeoutError extends BerthError {
  static override readonly code = 'BERTH_WAIT_TIMEOUT';
  override readonly code = 'BERTH_WAIT_TIMEOUT';
}

/** A wait strategy saw a state that can never become ready (unhealthy, wrong exit code, ...). */
export class WaitFailedError extends BerthError {
  static override readonly code = 'BERTH_WAIT_FAILED';
  override readonly code = 'BERTH_WAIT_FAILED';
}

/**
 * One readiness check saw "not yet" (connection refused, status 503, probe still starting). Never
 * thrown to users on its own: it becomes the `cause` of the WaitTimeoutError when time runs out.
 */
export class WaitAttemptError extends BerthError {
  static override readonly code = 'BERTH_WAIT_ATTEMPT';
  override readonly code = 'BERTH_WAIT_ATTEMPT';
}

/** A port was asked for that the container does not expose. */
export class PortNotExposedError extends BerthError {
  static override readonly code = 'BERTH_PORT_NOT_EXPOSED';
  override readonly code = 'BERTH_PORT_NOT_EXPOSED';
}

export class ContainerNotRunningError extends BerthError {
  static override readonly code = 'BERTH_CONTAINER_NOT_RUNNING';
  override readonly code = 'BERTH_CONTAINER_NOT_RUNNING';
}

/** The caller's AbortSignal fired; whatever was half-made has been removed. */
export class AbortError extends BerthError {
  static override readonly code = 'BERTH_ABORTED';
  override readonly code = 'BERTH_ABORTED';
}

/** Cleanup ran every step; some failed. `errors` holds each failure. */
export class CleanupError extends BerthError {
  static override readonly code = 'BERTH_CLEANUP_FAILED';
  override readonly code = 'BERTH_CLEANUP_FAILED';
  readonly errors: unknown[];
  constructor(message: string, errors: unknown[], options: BerthErrorOptions = {}) {
    super(message, options);
    this.errors = errors.map((error) => redactError(error));
  }
}

/** An optional peer dependency (pg, wait-on, ...) is needed for this call and is not installed. */
export class MissingPeerDependencyError extends BerthError {
  static override readonly code = 'BERTH_MISSING_PEER_DEPENDENCY';
  override readonly code = 'BERTH_MISSING_PEER_DEPENDENCY';
}

/**
 * A module (postgres, redis, ...) failed in its own logic: setup hook, pool, snapshot. A family:
 * a module's own subclasses (RedisReplyError) carry codes of their own, hence the `string` type.
 */
export class ModuleError extends BerthError {
  static override readonly code: string = 'BERTH_MODULE_ERROR';
  override readonly code: string = 'BERTH_MODULE_ERROR';
}

/** A runner adapter could not load or apply the berth configuration. */
export class ConfigError extends BerthError {
  static override readonly code = 'BERTH_CONFIG_ERROR';
  override readonly code = 'BERTH_CONFIG_ERROR';
}

/** The lease broker (the run's main process) could not be reached or answered something unexpected. */
export class BrokerError extends BerthError {
  static override readonly code = 'BERTH_BROKER';
  override readonly code = 'BERTH_BROKER';
}

/** redis answered a command with an error reply ("-ERR ...", "-WRONGPASS ..."); a ModuleError too. */
export class RedisReplyError extends ModuleError {
  static override readonly code = 'BERTH_REDIS_REPLY';
  override readonly code = 'BERTH_REDIS_REPLY';
}

export function isBerthError(error: unknown): error is BerthError {
  return error instanceof BerthError;
}

/** Throws AbortError if the signal already fired. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) {
    throw new AbortError(`${what} was aborted`, { cause: signal.reason });
  }
}

/**
 * Returns an error of the same class with more context (image, container id, phase, ...). The
 * original stays reachable as `cause` when it was not a berth error.
 */
export function withDetails(
  error: unknown,
  details: ErrorDetails,
  fallback: (message: string, options: BerthErrorOptions) => BerthError,
): BerthError {
  if (error instanceof BerthError && !(error instanceof CleanupError)) {
    const Ctor = error.constructor as new (message: string, options: BerthErrorOptions) => BerthError;
    const merged: BerthErrorOptions = { details: { ...details, ...stripUndefined(error.details) } };
    if (error.hint !== undefined) merged.hint = error.hint;
    if (error.cause !== undefined) merged.cause = error.cause;
    const enriched = new Ctor(error.summary, merged);
    const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
    enriched.stack = [`${enriched.name}: ${enriched.message}`, ...frames].join('\n');
    return enriched;
  }
  const message = error instanceof Error ? error.message : String(error);
  return fallback(message, { cause: error, details });
}

function stripUndefined(details: ErrorDetails): ErrorDetails {
  return Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined)) as ErrorDetails;
}

/**
 * A compose file is wrong: bad YAML, an unknown or malformed key, an unset required variable, a
 * reference to a service or resource that does not exist. `details.file`, `details.line` and
 * `details.key` say where. Thrown before anything is created on the engine.
 */
export class ComposeFileError extends BerthError {
  static override readonly code = 'BERTH_COMPOSE_FILE';
  override readonly code = 'BERTH_COMPOSE_FILE';
}

/** A compose environment failed to start; `details.service` names the service that failed it. */
export class ComposeStartError extends BerthError {
  static override readonly code = 'BERTH_COMPOSE_START';
  override readonly code = 'BERTH_COMPOSE_START';
}

/** The engine has no container by that id or name (never created, or already removed). */
export class ContainerNotFoundError extends EngineError {
  static override readonly code = 'BERTH_CONTAINER_NOT_FOUND';
  override readonly code = 'BERTH_CONTAINER_NOT_FOUND';
}

/** A path asked for in a container (copy out, readFile) does not exist there. */
export class FileNotFoundInContainerError extends EngineError {
  static override readonly code = 'BERTH_FILE_NOT_FOUND_IN_CONTAINER';
  override readonly code = 'BERTH_FILE_NOT_FOUND_IN_CONTAINER';
}

/**
 * A fixed host port is taken (by another container or a process on the engine's host): the engine
 * could not publish it. `details.port` (and `details.hostIp`) say which.
 */
export class PortInUseError extends EngineError {
  static override readonly code = 'BERTH_PORT_IN_USE';
  override readonly code = 'BERTH_PORT_IN_USE';
}

/** A container, network or volume with that name already exists. */
export class NameConflictError extends EngineError {
  static override readonly code = 'BERTH_NAME_CONFLICT';
  override readonly code = 'BERTH_NAME_CONFLICT';
}

/**
 * The run is stopping (SIGINT/SIGTERM, or its teardown began): berth hands out nothing more and is
 * removing what it created. A test that asked for a service at that moment fails with this one error
 * instead of the driver errors its vanishing containers would cause.
 */
export class RunStoppingError extends BerthError {
  static override readonly code = 'BERTH_RUN_STOPPING';
  override readonly code = 'BERTH_RUN_STOPPING';
}

/**
 * An isolation pool (fresh databases, redis databases, vhosts) could not serve a request within its
 * timeout. `details` name the service, the pool's size and what its slots are doing.
 */
export class PoolTimeoutError extends BerthError {
  static override readonly code = 'BERTH_POOL_TIMEOUT';
  override readonly code = 'BERTH_POOL_TIMEOUT';
}

/** A service's details (what crosses to the workers) are not plain JSON; `details.path` names the field. */
export class NotSerialisableError extends BerthError {
  static override readonly code = 'BERTH_NOT_SERIALISABLE';
  override readonly code = 'BERTH_NOT_SERIALISABLE';
}
