/**
 * `ensureImage`: make an image present in the engine according to a pull policy, pulling through
 * a Docker Hub mirror and a substitution hook when configured. Errors inside the pull stream end
 * the pull at once as typed errors; concurrent calls for the same image share one pull.
 */
import { type BerthConfig, config as processConfig } from '../config.js';
import type { Engine } from '../engine/engine.js';
import { engineMessageOf, httpStatusOf } from '../engine/failure.js';
import {
  AbortError,
  ImageNotFoundError,
  InvalidImageReferenceError,
  InvalidSpecError,
  isBerthError,
  PullError,
  throwIfAborted,
} from '../errors.js';
import { debug } from '../log.js';
import { recorder } from '../trace/recorder.js';
import { type ResolvedAuth, resolveRegistryAuth } from './auth.js';
import { readJsonLines, streamError } from './json-lines.js';
import { formatProgress, type PullProgressEvent, PullTracker, stderrBoard } from './progress.js';
import { pullFailure } from './pull-errors.js';
import { type ImageReference, parseImageReference, pullReference, withHubMirror } from './reference.js';

const log = debug('image');

export type PullPolicy = 'missing' | 'always' | 'never';
export type ImageSubstitution = (ref: string) => string;

export interface EnsureImageOptions {
  /** `missing` (default, or BERTH_PULL_POLICY): pull only when absent; `always`; `never`. */
  pullPolicy?: PullPolicy;
  /** e.g. `linux/amd64`. */
  platform?: string;
  signal?: AbortSignal;
  onProgress?: (event: PullProgressEvent) => void;
  /** Registry prefix for Docker Hub names; default BERTH_HUB_MIRROR. `false` disables it. */
  mirror?: string | false;
  /** Rewrites the reference before anything else; replaces the global `setImageSubstitution` hook. */
  substitute?: ImageSubstitution;
  /** Draw a progress line on an interactive stderr (default true; only when stderr is a TTY). */
  tty?: boolean;
  /** Configuration (tests); default: the process's. */
  config?: BerthConfig;
}

export interface EnsureImageResult {
  /** The reference actually used (after substitution and mirror), for creating containers. */
  ref: string;
  pulled: boolean;
  elapsedMs: number;
}

let globalSubstitution: ImageSubstitution | undefined;

/** Installs (or with undefined, removes) a process-wide reference rewrite, for adapters. */
export function setImageSubstitution(fn: ImageSubstitution | undefined): void {
  globalSubstitution = fn;
}

/** Applies substitution, then the Docker Hub mirror; validates the input and the rewritten value. */
export function resolveImage(image: string, options: Pick<EnsureImageOptions, 'mirror' | 'substitute' | 'config'> = {}): ImageReference {
  parseImageReference(image);
  const substitute = options.substitute ?? globalSubstitution;
  let value = image;
  if (substitute) {
    value = substitute(image);
    if (typeof value !== 'string' || !value) {
      throw new InvalidImageReferenceError(`the image substitution turned "${image}" into ${JSON.stringify(value)}`);
    }
    if (value !== image) log('substituted %s -> %s', image, value);
  }
  const parsed = parseImageReference(value);
  const mirror = options.mirror === false ? undefined : (options.mirror ?? (options.config ?? processConfig()).hubMirror);
  return withHubMirror(parsed, mirror);
}

export async function ensureImage(engine: Engine, image: string, options: EnsureImageOptions = {}): Promise<EnsureImageResult> {
  const started = performance.now();
  const cfg = options.config ?? processConfig();
  const policy = options.pullPolicy ?? cfg.pullPolicy ?? 'missing';
  if (policy !== 'missing' && policy !== 'always' && policy !== 'never') {
    throw new InvalidSpecError(`expected \`pullPolicy\` to be "missing", "always" or "never", got ${JSON.stringify(policy)}`);
  }
  const resolved = resolveImage(image, { ...options, config: cfg });
  const ref = pullReference(resolved);
  throwIfAborted(options.signal, `ensuring image ${ref}`);
  const elapsed = () => Math.round(performance.now() - started);

  if (policy !== 'always') {
    const present = await engine.inspectImage(ref, options.signal);
    if (present) {
      log('%s is present (%s)', ref, present.Id.slice(7, 19));
      return { ref, pulled: false, elapsedMs: elapsed() };
    }
    if (policy === 'never') {
      throw new ImageNotFoundError(`image ${ref} is not present in the engine and the pull policy is "never"`, {
        details: { image: ref, phase: 'pull', elapsedMs: elapsed() },
        hint: `pull or build it first (docker pull ${ref}), or use pullPolicy "missing"`,
      });
    }
  }

  await sharedPull(engine, resolved, ref, options);
  log('%s ready after %d ms', ref, elapsed());
  return { ref, pulled: true, elapsedMs: elapsed() };
}

// ---------------------------------------------------------------- one pull per image at a time

interface Flight {
  promise: Promise<void>;
  controller: AbortController;
  waiters: number;
  listeners: Set<(event: PullProgressEvent) => void>;
}

const inFlight = new WeakMap<Engine, Map<string, Flight>>();

async function sharedPull(engine: Engine, resolved: ImageReference, ref: string, options: EnsureImageOptions): Promise<void> {
  const key = `${ref}|${options.platform ?? ''}`;
  let flights = inFlight.get(engine);
  if (!flights) {
    flights = new Map();
    inFlight.set(engine, flights);
  }
  let flight = flights.get(key);
  if (flight) log('%s: joining the pull already in progress', ref);
  else {
    const created: Flight = { controller: new AbortController(), waiters: 0, listeners: new Set(), promise: Promise.resolve() };
    created.promise = pullOnce(engine, resolved, ref, options, created).finally(() => flights.delete(key));
    // Waiters observe the promise; this keeps an unobserved rejection (all waiters gone) quiet.
    created.promise.catch(() => undefined);
    flights.set(key, created);
    flight = created;
  }

  const current = flight;
  current.waiters++;
  if (options.onProgress) current.listeners.add(options.onProgress);
  const signal = options.signal;
  let onAbort: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      current.promise.then(resolve, reject);
      if (signal) {
        onAbort = () => reject(new AbortError(`pulling ${ref} was aborted`, { cause: signal.reason }));
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      }
    });
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    if (options.onProgress) current.listeners.delete(options.onProgress);
    current.waiters--;
    // The last interested caller gave up: stop the pull itself.
    if (current.waiters === 0 && signal?.aborted) {
      if (flights.get(key) === current) flights.delete(key);
      current.controller.abort(signal.reason);
    }
  }
}

async function pullOnce(engine: Engine, resolved: ImageReference, ref: string, options: EnsureImageOptions, flight: Flight): Promise<void> {
  const started = performance.now();
  const span = recorder().begin('pull', 'image', { image: ref });
  let bytes = 0;
  try {
    await pullStreamed(engine, resolved, ref, options, flight, started, (total) => {
      bytes = total;
    });
    span.end({ bytes });
  } catch (error) {
    span.end({ bytes, failed: true });
    throw error;
  }
}

async function pullStreamed(
  engine: Engine,
  resolved: ImageReference,
  ref: string,
  options: EnsureImageOptions,
  flight: Flight,
  started: number,
  onBytes: (total: number) => void,
): Promise<void> {
  const signal = flight.controller.signal;
  const board = options.tty === false ? undefined : stderrBoard();
  let credentials: ResolvedAuth | undefined;
  const fail = (message: string, status?: number, cause?: unknown) =>
    pullFailure(
      message,
      { ref, registry: resolved.registry, credentialSource: credentials?.source, elapsedMs: performance.now() - started },
      status,
      cause,
    );

  credentials = await resolveRegistryAuth(resolved.registry, { ...(options.config ? { config: options.config } : {}), signal });
  log('pulling %s%s (credentials: %s)', ref, options.platform ? ` for ${options.platform}` : '', credentials?.source ?? 'none');

  let stream: Awaited<ReturnType<Engine['pullStream']>>;
  try {
    stream = await engine.pullStream(ref, credentials?.auth as Record<string, unknown> | undefined, options.platform, signal);
  } catch (error) {
    if (signal.aborted) throw new AbortError(`pulling ${ref} was aborted`, { cause: signal.reason });
    const status = httpStatusOf(error);
    throw fail(engineMessageOf(error), status, error);
  }

  const tracker = new PullTracker(ref);
  let last: PullProgressEvent | undefined;
  let lastLogged = 0;
  let failed = true;
  try {
    for await (const message of readJsonLines(stream, signal, `pulling ${ref}`)) {
      const error = streamError(message);
      if (error !== undefined) throw fail(error);
      last = tracker.update(message);
      onBytes(last.bytesTotal);
      for (const listener of flight.listeners) listener(last);
      board?.set(ref, `⤓ ${formatProgress(last)}`);
      const now = performance.now();
      if (!last.layer || now - lastLogged > 1000 || last.status === 'Pull complete') {
        lastLogged = now;
        log('%s: %s%s', ref, last.layer ? `${last.layer} ` : '', last.status || message.stream?.trim() || '');
      }
    }
    failed = false;
  } catch (error) {
    if (isBerthError(error)) throw error;
    throw new PullError(`pulling ${ref} failed: ${engineMessageOf(error)}`, {
      cause: error,
      details: { image: ref, phase: 'pull', elapsedMs: performance.now() - started },
    });
  } finally {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    board?.finish(ref, failed ? undefined : `✓ ${ref} pulled in ${seconds} s`);
  }

  // A stream that ends without an error but without the image would be a daemon bug; say so.
  if (!(await engine.inspectImage(ref))) {
    throw new PullError(`pulling ${ref} ended without an error, but the engine does not have the image`, {
      details: { image: ref, phase: 'pull', elapsedMs: performance.now() - started },
    });
  }
}
