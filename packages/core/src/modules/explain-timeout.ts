/**
 * A module's start that timed out gets the module's own hint: the generic one ("raise the timeout")
 * cannot know that the image was supposed to be a broker that accepts connections.
 */
import { WaitTimeoutError } from '../errors.js';

export function explainTimeout(error: unknown, hint: string): unknown {
  if (!(error instanceof WaitTimeoutError)) return error;
  const explained = new WaitTimeoutError(error.summary, { cause: error.cause, details: error.details, hint });
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  explained.stack = [`${explained.name}: ${explained.message}`, ...frames].join('\n');
  return explained;
}
