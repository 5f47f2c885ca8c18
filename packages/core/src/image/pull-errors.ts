/**
 * Turns what a failed pull says — an HTTP status from the initial request, or an `error` message
 * inside the progress stream — into one typed berth error.
 */
import { type BerthError, type ErrorDetails, ImageNotFoundError, PullError, RegistryAuthError } from '../errors.js';

export interface PullFailureContext {
  /** The reference that was pulled. */
  ref: string;
  registry: string;
  /** Where credentials came from, or undefined when none were sent. */
  credentialSource: string | undefined;
  elapsedMs: number;
}

const AUTH =
  /unauthori[sz]ed|authentication required|no basic auth credentials|incorrect username or password|invalid username\/password|authorization failed/i;
const NOT_FOUND =
  /manifest unknown|manifest for .* not found|not found: manifest|name unknown|repository does not exist|pull access denied|no such image|\bnot found\b/i;
const DENIED = /\bdenied\b|forbidden/i;

/**
 * Classifies an engine message. `status` is the HTTP status of the initial request, when the
 * error came from there rather than from inside the stream.
 */
export function pullFailure(message: string, ctx: PullFailureContext, status?: number, cause?: unknown): BerthError {
  const details: ErrorDetails = { image: ctx.ref, phase: 'pull', elapsedMs: ctx.elapsedMs, registry: ctx.registry };
  if (status !== undefined) details.httpStatus = status;
  const options = { details, ...(cause === undefined ? {} : { cause }) };
  const what = `pulling ${ctx.ref} failed: ${message.trim()}`;

  if (status === 401 || AUTH.test(message)) {
    return new RegistryAuthError(what, { ...options, hint: authHint(ctx) });
  }
  if (status === 404 || NOT_FOUND.test(message)) {
    const hint = ctx.credentialSource
      ? `check the name and tag (docker pull ${ctx.ref} says the same)`
      : `check the name and tag; if the image is private, give credentials for ${ctx.registry} (DOCKER_AUTH_CONFIG or docker login)`;
    return new ImageNotFoundError(`image ${ctx.ref} was not found: ${message.trim()}`, { ...options, hint });
  }
  if (status === 403 || DENIED.test(message)) {
    return new RegistryAuthError(what, { ...options, hint: authHint(ctx) });
  }
  if (/invalid (?:tag|reference)/i.test(message)) {
    return new PullError(what, { ...options, hint: 'the registry rejected the reference; check the tag' });
  }
  if (/connection refused|no such host|i\/o timeout|TLS handshake|server gave HTTP response to HTTPS client|dial tcp/i.test(message)) {
    return new PullError(what, {
      ...options,
      hint: `the engine could not reach ${ctx.registry}; check the network, or set BERTH_HUB_MIRROR for Docker Hub images`,
    });
  }
  return new PullError(what, options);
}

function authHint(ctx: PullFailureContext): string {
  return ctx.credentialSource
    ? `the credentials for ${ctx.registry} from ${ctx.credentialSource} were refused; check them with docker login ${ctx.registry}`
    : `no credentials for ${ctx.registry} were found in DOCKER_AUTH_CONFIG or $DOCKER_CONFIG/config.json; run docker login ${ctx.registry}`;
}
