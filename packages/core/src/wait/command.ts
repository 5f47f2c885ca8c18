/**
 * `wait.command(argv)`: a command run inside the container exits 0 (`pg_isready`, `redis-cli ping`).
 * Runs it again with backoff until it does. Exit codes 126 and 127 (cannot run / not found) stop
 * the wait at once: the program will not appear later, and retrying would only hide the mistake.
 */
import { InvalidSpecError, WaitAttemptError, WaitFailedError } from '../errors.js';
import { poll, tail, withTimeLimit } from './backoff.js';
import type { WaitStrategy } from './strategy.js';

export interface CommandOptions {
  /** Overrides the start's timeout (before BERTH_TIMEOUT_SCALE). */
  timeoutMs?: number;
  /** Time one run may take before it counts as a failed attempt. Default 10 s. */
  execTimeoutMs?: number;
}

export function command(argv: string[], options: CommandOptions = {}): WaitStrategy {
  if (argv.length === 0 || argv.some((arg) => typeof arg !== 'string')) {
    throw new InvalidSpecError('expected `argv` to be a non-empty array of strings');
  }
  const shown = argv.map((arg) => (/^[\w./:=@-]+$/.test(arg) ? arg : JSON.stringify(arg))).join(' ');
  const description = `command \`${shown}\` exits 0`;
  const execTimeoutMs = options.execTimeoutMs ?? 10_000;
  return {
    description,
    timeoutMs: options.timeoutMs,
    async wait(target, context) {
      await poll(context, async (signal) => {
        const result = await withTimeLimit(signal, execTimeoutMs, `\`${shown}\``, (limited) => target.exec(argv, limited));
        if (result.exitCode === 0) return;
        const output = tail(result.stderr) || tail(result.stdout);
        const summary = `exit code ${result.exitCode}${output ? `: ${output}` : ''}`;
        if (result.exitCode === 126 || result.exitCode === 127) {
          throw new WaitFailedError(`\`${shown}\` cannot run in the container (${summary})`, {
            details: { exitCode: result.exitCode },
            hint: 'check that the program exists in the image and is executable; argv runs without a shell unless it starts with one',
          });
        }
        throw new WaitAttemptError(summary);
      });
    },
  };
}
