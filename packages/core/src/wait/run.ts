/**
 * The wait runner: gives a strategy one AbortSignal that fires on whichever comes first — the
 * caller's abort, the (scaled) timeout, or the container exiting — and turns each of those into the
 * error the user should see. Strategies only look for readiness; everything about "when to give up"
 * lives here.
 */
import { type BerthConfig, scaledTimeout } from '../config.js';
import { onAbort } from '../engine/abort.js';
import { AbortError, BerthError, ContainerExitedError, type ErrorDetails, WaitFailedError, WaitTimeoutError } from '../errors.js';
import { debug } from '../log.js';
import { describeError } from './backoff.js';
import { type AttemptLog, after, attemptLog, attemptSummary, raceSignal } from './scope.js';
import type { WaitContext, WaitStrategy } from './strategy.js';
import type { WaitTarget } from './target.js';

const log = debug('wait');

/** Log lines attached to errors. */
export const LOG_TAIL_LINES = 50;

/** When neither the strategy nor the caller gives a time: the container layer's default startup budget. */
const DEFAULT_TIMEOUT_MS = 60_000;

export interface ExitInfo {
  exitCode: number;
  oomKilled: boolean;
}

export interface RunWaitOptions {
  /** Time allowed when the strategy sets none, before BERTH_TIMEOUT_SCALE. */
  timeoutMs?: number;
  /**
   * Or: the moment (`performance.now()` clock) the caller's own budget ends, already scaled where it
   * was made (start() scales its startup budget once). Used when the strategy sets no time of its own.
   */
  deadline?: number;
  /** The caller's cancellation. */
  signal?: AbortSignal;
  /** Resolves when the container stops; the wait then fails at once unless the strategy expects it. */
  exited?: Promise<ExitInfo>;
  /** The container's most recent log lines, for error messages. */
  logTail?: () => string[];
  /** Configuration for the timeout scale; defaults to the process-wide one. */
  config?: BerthConfig;
  /** Context copied into every error (image, service, ...). */
  details?: ErrorDetails;
}

type Stop = { kind: 'timeout' } | { kind: 'exit'; info: ExitInfo } | { kind: 'abort'; reason: unknown };

/** Waits until `strategy` sees `target` ready; rejects with a BerthError explaining why not. */
export async function runWait(strategy: WaitStrategy, target: WaitTarget, options: RunWaitOptions): Promise<void> {
  const started = performance.now();
  // A strategy's own time, or the caller's, is scaled here, once; a caller's deadline already is.
  const timeoutMs =
    strategy.timeoutMs === undefined && options.deadline !== undefined
      ? Math.max(1, Math.round(options.deadline - started))
      : scaledTimeout(strategy.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.config);
  const attempts = attemptLog();
  const controller = new AbortController();
  let stop: Stop | undefined;
  const halt = (reason: Stop): void => {
    if (stop) return;
    stop = reason;
    controller.abort(new AbortError(`wait for ${strategy.description} stopped: ${reason.kind}`));
  };

  const context: WaitContext = {
    signal: controller.signal,
    deadline: started + timeoutMs,
    attempt: (error) => attempts.record(error),
  };
  const base = (): ErrorDetails => ({
    ...options.details,
    containerId: target.id,
    phase: 'wait',
    elapsedMs: performance.now() - started,
    logTail: (options.logTail?.() ?? []).slice(-LOG_TAIL_LINES),
  });

  const callerSignal = options.signal;
  const onCallerAbort = () => halt({ kind: 'abort', reason: callerSignal?.reason });
  if (callerSignal?.aborted) onCallerAbort();
  // Shared with every other call on the same signal: one listener however many starts wait at once.
  const unlisten = onAbort(callerSignal, onCallerAbort);
  const cancelTimer = after(timeoutMs, () => halt({ kind: 'timeout' }));
  if (!strategy.expectsExit) {
    options.exited?.then(
      (info) => halt({ kind: 'exit', info }),
      () => {},
    );
  }

  log(`waiting for: ${strategy.description} (timeout ${timeoutMs} ms)`);
  try {
    // Checked after the listeners are in place: a caller signal that was already aborted wins.
    controller.signal.throwIfAborted();
    await raceSignal(controller.signal, strategy.wait(target, context));
    log(`ready after ${Math.round(performance.now() - started)} ms: ${strategy.description}`);
  } catch (error) {
    // A strategy that failed because the container exited under it (its published ports vanish
    // with it: PortNotExposedError) reports the exit, as it would had the exit been seen first:
    // under load the strategy's next look can come before the engine's exit notice.
    if (!stop && !strategy.expectsExit && options.exited && !(error instanceof ContainerExitedError)) {
      const info = await exitedMeanwhile(target, options.exited, started + timeoutMs);
      if (info) halt({ kind: 'exit', info });
    }
    // A container that exits right after printing why has often not delivered those lines yet.
    if (stop?.kind === 'exit' || error instanceof ContainerExitedError) await drainLogs(target, scaledTimeout(500, options.config));
    throw stop ? stopError(stop, strategy, timeoutMs, attempts, base()) : strategyError(error, strategy, base());
  } finally {
    cancelTimer();
    unlisten();
  }
}

/**
 * The exit of a container that is no longer running, once the engine reports it (by `deadline` at
 * the latest); undefined when it still runs or its state cannot be read.
 */
async function exitedMeanwhile(target: WaitTarget, exited: Promise<ExitInfo>, deadline: number): Promise<ExitInfo | undefined> {
  const remaining = Math.max(0, deadline - performance.now());
  const state = await target.inspect(AbortSignal.timeout(Math.max(1, Math.ceil(remaining)))).catch(() => undefined);
  if (!state || (state.status !== 'exited' && state.status !== 'dead')) return undefined;
  let cancel = () => {};
  const late = new Promise<undefined>((resolve) => {
    cancel = after(Math.max(0, deadline - performance.now()), () => resolve(undefined));
  });
  try {
    return await Promise.race([exited, late]);
  } finally {
    cancel();
  }
}

/**
 * Follows the log stream of a stopped container until it ends (at most `ms`), so the log tail in the
 * error holds the container's last words.
 */
async function drainLogs(target: WaitTarget, ms: number): Promise<void> {
  const limit = new AbortController();
  const cancel = after(ms, () => limit.abort());
  try {
    for await (const _ of target.logLines(limit.signal)) {
      // Only reading to the end; the lines themselves reach the tail through the container's hub.
    }
  } catch {
    // Best effort: the error is built with whatever arrived.
  } finally {
    cancel();
  }
}

function stopError(stop: Stop, strategy: WaitStrategy, timeoutMs: number, attempts: AttemptLog, details: ErrorDetails): BerthError {
  switch (stop.kind) {
    case 'abort':
      return new AbortError(`wait for ${strategy.description} was aborted`, { cause: stop.reason, details });
    case 'exit': {
      const { exitCode, oomKilled } = stop.info;
      const how = oomKilled ? 'was OOM-killed' : `exited with code ${exitCode}`;
      return new ContainerExitedError(`container ${how} while waiting for ${strategy.description}`, {
        details: { ...details, exitCode, oomKilled },
        hint: oomKilled
          ? 'raise the memory limit (spec `memory`) or lower what the service allocates at start'
          : 'the log lines above usually say why; a container whose command is expected to finish needs wait.exit()',
      });
    }
    case 'timeout':
      return new WaitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${strategy.description} (${attemptSummary(attempts)})`, {
        cause: attempts.last,
        details: { ...details, attempts: attempts.count },
        hint: 'if the service is just slow here, raise `timeoutMs` or set BERTH_TIMEOUT_SCALE; otherwise the last error and log lines show what it is stuck on',
      });
  }
}

/**
 * A strategy gave up on its own. Its errors are rebuilt with the wait's context (elapsed time, log
 * tail, container id) so the message shows them; errors that are not about this container pass as
 * they are, and anything unexpected becomes a WaitFailedError.
 */
function strategyError(error: unknown, strategy: WaitStrategy, details: ErrorDetails): BerthError {
  const options = (e: BerthError) => ({ hint: e.hint, cause: e.cause, details: { ...e.details, ...details } });
  if (error instanceof ContainerExitedError) return new ContainerExitedError(error.summary, options(error));
  if (error instanceof WaitFailedError) return new WaitFailedError(error.summary, options(error));
  if (error instanceof WaitTimeoutError) return new WaitTimeoutError(error.summary, options(error));
  if (error instanceof BerthError) return error;
  return new WaitFailedError(`waiting for ${strategy.description} failed: ${describeError(error)}`, {
    cause: error,
    details,
  });
}
