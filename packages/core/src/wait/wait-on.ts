/**
 * `wait.resource([...])`: host-side resources in the syntax of the `wait-on` package — files,
 * `tcp:host:port`, `socket:/path`, `http(s)://...`, `http(s)-get://...`. `wait-on` is an optional
 * peer dependency, imported only when this strategy runs; core works without it.
 *
 * wait-on has no cancellation, so one wait is split into short wait-on calls (each with its own
 * small timeout) inside our own backoff loop: an abort or timeout then leaves at most one short call
 * winding down, and the runner's signal stays in charge.
 */
import { scaledTimeout } from '../config.js';
import { InvalidSpecError, MissingPeerDependencyError, WaitAttemptError } from '../errors.js';
import { poll } from './backoff.js';
import type { WaitStrategy } from './strategy.js';

export interface ResourceOptions {
  /** Overrides the start's timeout (before BERTH_TIMEOUT_SCALE). */
  timeoutMs?: number;
  /** How long a resource must stay available to count (wait-on's `window`). Default 0. */
  windowMs?: number;
  /** Time for one HTTP request. Default 500 ms. */
  httpTimeoutMs?: number;
  /** Time for one TCP connect. Default 300 ms. */
  tcpTimeoutMs?: number;
  /** HTTP status test; default 2xx. */
  validateStatus?: (status: number) => boolean;
  headers?: Record<string, string>;
  basicAuth?: { username: string; password: string };
  /** Verify HTTPS certificates. Default false, as in wait-on. */
  strictSSL?: boolean;
}

/** The part of wait-on's API we use; its own types stay out of core's public types. */
type WaitOn = (options: Record<string, unknown>) => Promise<void>;
export type WaitOnImporter = () => Promise<unknown>;

const importWaitOn: WaitOnImporter = () => import('wait-on');

/** Loads wait-on, or explains how to install it. */
export async function loadWaitOn(importer: WaitOnImporter = importWaitOn): Promise<WaitOn> {
  let loaded: unknown;
  try {
    loaded = await importer();
  } catch (error) {
    if (isNotFound(error)) {
      throw new MissingPeerDependencyError('wait.resource() needs the optional package `wait-on`', {
        cause: error,
        hint: 'pnpm add -D wait-on (or npm i -D wait-on / yarn add -D wait-on)',
      });
    }
    throw error;
  }
  const fn = (loaded as { default?: unknown }).default ?? loaded;
  if (typeof fn !== 'function') throw new MissingPeerDependencyError('`wait-on` did not export a function');
  return fn as WaitOn;
}

export function resource(resources: string[], options: ResourceOptions = {}): WaitStrategy {
  if (resources.length === 0 || resources.some((r) => typeof r !== 'string' || r === '')) {
    throw new InvalidSpecError('expected `resources` to be a non-empty array of wait-on resource strings');
  }
  const windowMs = options.windowMs ?? 0;
  // Per-call limits scale with BERTH_TIMEOUT_SCALE like every other attempt's; the deadline bounds them.
  const httpTimeoutMs = scaledTimeout(options.httpTimeoutMs ?? 500);
  // One wait-on call: long enough for a request and the stability window, short enough to stop soon.
  const callMs = Math.max(250, windowMs + 250, httpTimeoutMs + 50);
  return {
    description: `resource ${resources.join(', ')}`,
    timeoutMs: options.timeoutMs,
    async wait(_target, context) {
      const waitOn = await loadWaitOn();
      await poll(context, async () => {
        const left = Math.floor(context.deadline - performance.now());
        try {
          await waitOn({
            resources,
            timeout: Math.max(50, Math.min(callMs, left)),
            interval: 25,
            window: windowMs,
            httpTimeout: httpTimeoutMs,
            tcpTimeout: scaledTimeout(options.tcpTimeoutMs ?? 300),
            ...(options.validateStatus ? { validateStatus: options.validateStatus } : {}),
            ...(options.headers ? { headers: options.headers } : {}),
            ...(options.basicAuth ? { auth: options.basicAuth } : {}),
            strictSSL: options.strictSSL ?? false,
          });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          // wait-on retries network errors itself; what reaches us is either its timeout ("not yet")
          // or a refusal of the options or resource syntax, which no retry can fix.
          if (!message.startsWith('Timed out waiting for')) {
            throw new InvalidSpecError(`wait.resource(): wait-on rejected the request: ${message}`, { cause: error });
          }
          throw new WaitAttemptError(`wait-on: ${message}`, { cause: error });
        }
      });
    },
  };
}

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : '';
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes('wait-on');
}
