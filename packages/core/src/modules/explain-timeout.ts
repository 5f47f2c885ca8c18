/**
 * A module's start that timed out gets the module's own hint: the generic one ("raise the timeout")
 * cannot know that the image was supposed to be a broker that accepts connections.
 */
import { WaitTimeoutError } from '../errors.js';

export function explainTimeout(error: unknown, hint: string): unknown {
  if (!(error instanceof WaitTimeoutError)) return error;
  // The start's own advice on the time (load, BERTH_TIMEOUT_SCALE) stays after the module's.
  const timeoutHint = typeof error.details.timeoutHint === 'string' ? error.details.timeoutHint : undefined;
  const explained = new WaitTimeoutError(error.summary, {
    cause: error.cause,
    details: error.details,
    hint: timeoutHint ? `${hint}; ${timeoutHint}` : hint,
  });
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  explained.stack = [`${explained.name}: ${explained.message}`, ...frames].join('\n');
  return explained;
}
