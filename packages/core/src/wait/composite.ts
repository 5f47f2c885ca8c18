/**
 * `wait.all([...])` and `wait.any([...])`: run several strategies at once against one container.
 * A child's own `timeoutMs` (or the composite's `childTimeoutMs`) bounds that child; the composite's
 * `timeoutMs` is the overall deadline the runner enforces. `all` stops the others as soon as one
 * child fails; `any` cancels the losers as soon as one child is ready.
 */
import { scaledTimeout } from '../config.js';
import { InvalidSpecError, WaitAttemptError, WaitFailedError, WaitTimeoutError } from '../errors.js';
import { describeError } from './backoff.js';
import { after, attemptLog, attemptSummary, raceSignal } from './scope.js';
import type { WaitContext, WaitStrategy } from './strategy.js';
import type { WaitTarget } from './target.js';

export interface CompositeOptions {
  /** Overall time for the composite (before BERTH_TIMEOUT_SCALE); default the start's timeout. */
  timeoutMs?: number;
  /** Time for each child that sets no `timeoutMs` of its own; default only the overall deadline. */
  childTimeoutMs?: number;
}

export function all(strategies: WaitStrategy[], options: CompositeOptions = {}): WaitStrategy {
  const children = checkChildren('all', strategies);
  return {
    description: `all of (${children.map((s) => s.description).join(', ')})`,
    timeoutMs: options.timeoutMs,
    expectsExit: children.some((s) => s.expectsExit),
    async wait(target, context) {
      // One failure makes the whole unreachable: stop the siblings instead of letting them run on.
      const siblings = new AbortController();
      const signal = AbortSignal.any([context.signal, siblings.signal]);
      const runs = children.map((child) =>
        runChild(child, target, { ...context, signal }, options.childTimeoutMs).catch((error: unknown) => {
          siblings.abort(error);
          throw error;
        }),
      );
      const results = await Promise.allSettled(runs);
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw context.signal.aborted ? context.signal.reason : (siblings.signal.reason ?? failure.reason);
    },
  };
}

/**
 * Runs the strategies one after another: each starts when the one before it is ready, so its first
 * check comes at once rather than at the next turn of a poll that began with the container. The
 * modules use it for "the server's ready line, then its listener": polling both side by side from
 * the start left the listener check up to one backoff step (tens of ms) behind the line.
 */
export function sequence(strategies: WaitStrategy[], options: CompositeOptions = {}): WaitStrategy {
  const children = checkChildren('sequence', strategies);
  return {
    description: children.map((s) => s.description).join(', then '),
    timeoutMs: options.timeoutMs,
    expectsExit: children.some((s) => s.expectsExit),
    async wait(target, context) {
      for (const child of children) await runChild(child, target, context, options.childTimeoutMs);
    },
  };
}

export function any(strategies: WaitStrategy[], options: CompositeOptions = {}): WaitStrategy {
  const children = checkChildren('any', strategies);
  const description = `any of (${children.map((s) => s.description).join(', ')})`;
  return {
    description,
    timeoutMs: options.timeoutMs,
    expectsExit: children.some((s) => s.expectsExit),
    async wait(target, context) {
      const losers = new AbortController();
      const signal = AbortSignal.any([context.signal, losers.signal]);
      const runs = children.map((child) => runChild(child, target, { ...context, signal }, options.childTimeoutMs));
      try {
        await Promise.any(runs);
      } catch (error) {
        context.signal.throwIfAborted();
        const reasons = (error as AggregateError).errors.map((reason, i) => `${children[i]?.description}: ${describeError(reason)}`);
        throw new WaitFailedError(`none of the alternatives can become ready: ${reasons.join('; ')}`, {
          cause: error,
        });
      } finally {
        // Cancel the children still running and let them wind down before returning.
        losers.abort(new WaitAttemptError(`${description}: another alternative was ready first`));
        await Promise.allSettled(runs);
      }
    },
  };
}

/**
 * Runs one child with its own time limit (if any) inside the parent's context. Its attempts count
 * towards the parent's, tagged with the child's description so the final error names the child.
 */
async function runChild(child: WaitStrategy, target: WaitTarget, parent: WaitContext, defaultTimeoutMs: number | undefined): Promise<void> {
  const attempts = attemptLog((error) =>
    parent.attempt(
      error === undefined ? undefined : new WaitAttemptError(`${child.description}: ${describeError(error)}`, { cause: error }),
    ),
  );
  const limitMs = child.timeoutMs ?? defaultTimeoutMs;
  if (limitMs === undefined) {
    return raceSignal(parent.signal, child.wait(target, { ...parent, attempt: attempts.record }));
  }
  const ms = scaledTimeout(limitMs);
  const limit = new AbortController();
  const cancel = after(ms, () => limit.abort(new WaitAttemptError(`${child.description}: time limit reached`)));
  const signal = AbortSignal.any([parent.signal, limit.signal]);
  const context: WaitContext = {
    signal,
    deadline: Math.min(parent.deadline, performance.now() + ms),
    attempt: attempts.record,
  };
  try {
    await raceSignal(signal, child.wait(target, context));
  } catch (error) {
    if (!limit.signal.aborted || parent.signal.aborted) throw error;
    throw new WaitTimeoutError(`timed out after ${ms} ms waiting for ${child.description} (${attemptSummary(attempts)})`, {
      cause: attempts.last,
      details: { attempts: attempts.count },
    });
  } finally {
    cancel();
  }
}

function checkChildren(name: string, strategies: WaitStrategy[]): WaitStrategy[] {
  if (!Array.isArray(strategies) || strategies.length === 0) {
    throw new InvalidSpecError(`wait.${name}() needs at least one strategy`);
  }
  for (const [i, s] of strategies.entries()) {
    if (typeof s?.wait !== 'function') {
      throw new InvalidSpecError(`expected \`strategies[${i}]\` to be a wait strategy, got ${typeof s}`);
    }
  }
  return [...strategies];
}
