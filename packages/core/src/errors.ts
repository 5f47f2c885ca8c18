/**
 * One hierarchy for everything berth throws. Each class has a stable `code` that callers can switch
 * on, a one-line `message`, a `hint` that says what to do next, and the original error as `cause`.
 * Context that helps debugging (image, container id, phase, elapsed time, log tail) travels in
 * `details` and is appended to the message so it shows up in test runner output.
 */

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
  readonly code: string = 'BERTH_ERROR';
  readonly hint: string | undefined;
  readonly details: ErrorDetails;
  /** The one-line summary, without the appended context. */
  readonly summary: string;

  constructor(message: string, options: BerthErrorOptions = {}) {
    super(formatMessage(message, options), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.summary = message;
    this.hint = options.hint;
    this.details = options.details ?? {};
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
  override readonly code = 'BERTH_INVALID_SPEC';
}

/** No engine could be reached; `details.attempts` lists every discovery strategy and its outcome. */
export class EngineUnreachableError extends BerthError {
  override readonly code = 'BERTH_ENGINE_UNREACHABLE';
}

/** The engine answered with an error that berth has no more specific class for. */
export class EngineError extends BerthError {
  override readonly code = 'BERTH_ENGINE_ERROR';
}

export class InvalidImageReferenceError extends BerthError {
  override readonly code = 'BERTH_INVALID_IMAGE_REFERENCE';
}

export class ImageNotFoundError extends BerthError {
  override readonly code = 'BERTH_IMAGE_NOT_FOUND';
}

export class RegistryAuthError extends BerthError {
  override readonly code = 'BERTH_REGISTRY_AUTH';
}

export class PullError extends BerthError {
  override readonly code = 'BERTH_PULL_FAILED';
}

export class BuildError extends BerthError {
  override readonly code = 'BERTH_BUILD_FAILED';
}

/** Creating or starting the container failed (bad bind source, port in use, ...). */
export class ContainerStartError extends BerthError {
  override readonly code = 'BERTH_CONTAINER_START_FAILED';
}

/** The container exited (or was OOM-killed) while berth was waiting for it to become ready. */
export class ContainerExitedError extends BerthError {
  override readonly code = 'BERTH_CONTAINER_EXITED';
}

/** A wait strategy did not see readiness before its deadline. */
export class WaitTimeoutError extends BerthError {
  override readonly code = 'BERTH_WAIT_TIMEOUT';
}

/** A wait strategy saw a state that can never become ready (unhealthy, wrong exit code, ...). */
export class WaitFailedError extends BerthError {
  override readonly code = 'BERTH_WAIT_FAILED';
}

/**
 * One readiness check saw "not yet" (connection refused, status 503, probe still starting). Never
 * thrown to users on its own: it becomes the `cause` of the WaitTimeoutError when time runs out.
 */
export class WaitAttemptError extends BerthError {
  override readonly code = 'BERTH_WAIT_ATTEMPT';
}

/** A port was asked for that the container does not expose. */
export class PortNotExposedError extends BerthError {
  override readonly code = 'BERTH_PORT_NOT_EXPOSED';
}

export class ContainerNotRunningError extends BerthError {
  override readonly code = 'BERTH_CONTAINER_NOT_RUNNING';
}

/** The caller's AbortSignal fired; whatever was half-made has been removed. */
export class AbortError extends BerthError {
  override readonly code = 'BERTH_ABORTED';
}

/** Cleanup ran every step; some failed. `errors` holds each failure. */
export class CleanupError extends BerthError {
  override readonly code = 'BERTH_CLEANUP_FAILED';
  readonly errors: unknown[];
  constructor(message: string, errors: unknown[], options: BerthErrorOptions = {}) {
    super(message, options);
    this.errors = errors;
  }
}

/** An optional peer dependency (pg, wait-on, ...) is needed for this call and is not installed. */
export class MissingPeerDependencyError extends BerthError {
  override readonly code = 'BERTH_MISSING_PEER_DEPENDENCY';
}

/** A module (postgres, redis, ...) failed in its own logic: setup hook, pool, snapshot. */
export class ModuleError extends BerthError {
  override readonly code = 'BERTH_MODULE_ERROR';
}

/** A runner adapter could not load or apply the berth configuration. */
export class ConfigError extends BerthError {
  override readonly code = 'BERTH_CONFIG_ERROR';
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
 * The run is stopping (SIGINT/SIGTERM, or its teardown began): berth hands out nothing more and is
 * removing what it created. A test that asked for a service at that moment fails with this one error
 * instead of the driver errors its vanishing containers would cause.
 */
export class RunStoppingError extends BerthError {
  override readonly code = 'BERTH_RUN_STOPPING';
}

/**
 * An isolation pool (fresh databases, redis databases, vhosts) could not serve a request within its
 * timeout. `details` name the service, the pool's size and what its slots are doing.
 */
export class PoolTimeoutError extends BerthError {
  override readonly code = 'BERTH_POOL_TIMEOUT';
}

/** A service's details (what crosses to the workers) are not plain JSON; `details.path` names the field. */
export class NotSerialisableError extends BerthError {
  override readonly code = 'BERTH_NOT_SERIALISABLE';
}
