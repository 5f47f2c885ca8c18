/**
 * `wait.log(pattern)`: the container printed a matching line (`times` of them) since this start.
 * Follows the live log stream, so the match is seen as soon as the line arrives; nothing polls.
 */
import { ContainerExitedError, InvalidSpecError, WaitAttemptError, WaitFailedError } from '../errors.js';
import type { WaitStrategy } from './strategy.js';
import type { LogLine } from './target.js';

export interface LogOptions {
  /** How many matching lines to wait for. Default 1. */
  times?: number;
  /** Which stream to read. Default both. */
  stream?: LogLine['stream'] | 'both';
  /** Overrides the start's timeout (before BERTH_TIMEOUT_SCALE). */
  timeoutMs?: number;
}

export function log(pattern: string | RegExp, options: LogOptions = {}): WaitStrategy {
  const times = options.times ?? 1;
  if (!Number.isInteger(times) || times < 1) {
    throw new InvalidSpecError(`expected \`times\` to be a whole number ≥ 1, got ${String(times)}`);
  }
  const stream = options.stream ?? 'both';
  const matches = matcher(pattern);
  const what = typeof pattern === 'string' ? JSON.stringify(pattern) : String(pattern);
  const description = `log line ${what}${times > 1 ? ` ×${times}` : ''}${stream === 'both' ? '' : ` on ${stream}`}`;

  return {
    description,
    timeoutMs: options.timeoutMs,
    async wait(target, context) {
      let seen = 0;
      for await (const line of target.logLines(context.signal)) {
        if (stream !== 'both' && line.stream !== stream) continue;
        if (matches(line.text)) seen += 1;
        if (seen >= times) return;
        context.attempt(new WaitAttemptError(`${seen} of ${times} matching lines so far`));
      }
      context.signal.throwIfAborted();
      // The stream ended without being aborted: the container has stopped (or its logs went away).
      const state = await target.inspect(context.signal);
      if (!state.running) {
        const how = state.oomKilled ? 'was OOM-killed' : `exited with code ${state.exitCode}`;
        throw new ContainerExitedError(`container ${how} while waiting for ${description}`, {
          details: { exitCode: state.exitCode, oomKilled: state.oomKilled },
        });
      }
      throw new WaitFailedError(`the log stream ended after ${seen} of ${times} matching lines`, {
        hint: 'the engine stopped sending logs while the container still runs; check the logging driver',
      });
    },
  };
}

/** A stateless test for one line. A RegExp's `g`/`y` flags are dropped: they make `test` stateful. */
function matcher(pattern: string | RegExp): (text: string) => boolean {
  if (typeof pattern === 'string') return (text) => text.includes(pattern);
  const regex = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  return (text) => regex.test(text);
}
