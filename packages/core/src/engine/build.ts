/**
 * Image builds, the one job berth leaves to dockerode: its client carries the build protocol and the
 * BuildKit session (gRPC over the hijacked connection) that berth does not reimplement. dockerode,
 * with ssh2, gRPC and protobufjs behind it, is imported on the first build only, so a test suite that
 * never builds never loads it.
 */
import type { Readable } from 'node:stream';
import { AbortError, BerthError } from '../errors.js';
import { onAbort } from './abort.js';
import { connectionFailure } from './connection-errors.js';
import type { EngineEndpoint } from './endpoint.js';
import { engineFailure } from './failure.js';

interface DockerodeLike {
  buildImage(context: Readable, options: object): Promise<unknown>;
}
type DockerodeCtor = new (options: object) => DockerodeLike;

let client: { endpoint: EngineEndpoint; docker: DockerodeLike } | undefined;

async function dockerode(endpoint: EngineEndpoint): Promise<DockerodeLike> {
  if (client?.endpoint === endpoint) return client.docker;
  const loaded = (await import('dockerode')) as unknown as { default?: DockerodeCtor };
  const Docker = (loaded.default ?? loaded) as DockerodeCtor;
  client = { endpoint, docker: new Docker(dockerodeOptions(endpoint)) };
  return client.docker;
}

export function dockerodeOptions(endpoint: EngineEndpoint): Record<string, unknown> {
  switch (endpoint.protocol) {
    case 'unix':
    case 'npipe':
      // `host: undefined` keeps docker-modem from reading DOCKER_HOST by itself.
      return { socketPath: endpoint.socketPath, host: undefined };
    case 'ssh':
      return {
        protocol: 'ssh',
        host: endpoint.host,
        port: endpoint.port,
        username: endpoint.username,
        sshOptions: { agent: process.env.SSH_AUTH_SOCK },
      };
    default: {
      const tls = endpoint.tls;
      return {
        protocol: endpoint.protocol,
        host: endpoint.host,
        port: endpoint.port,
        ...(tls?.ca ? { ca: tls.ca } : {}),
        ...(tls?.cert ? { cert: tls.cert } : {}),
        ...(tls?.key ? { key: tls.key } : {}),
        ...(tls && !tls.verify ? { checkServerIdentity: () => undefined } : {}),
      };
    }
  }
}

/** Starts a build from a tar stream of the context; the caller reads the JSON progress stream. */
export async function buildStream(
  endpoint: EngineEndpoint,
  context: Readable,
  options: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<Readable> {
  const what = `building ${typeof options.t === 'string' ? options.t : 'an image'}`;
  const docker = await dockerode(endpoint);
  // dockerode's modem adds abort listeners it never removes: it gets a signal of its own, linked to
  // the caller's by one listener that goes when the build's stream is over.
  const inner = new AbortController();
  const release = onAbort(signal, () => inner.abort(signal?.reason));
  try {
    const stream = (await docker.buildImage(context, { ...options, abortSignal: inner.signal })) as Readable;
    stream.once('close', release);
    stream.once('end', release);
    stream.once('error', release);
    return stream;
  } catch (error) {
    release();
    if (signal?.aborted) throw new AbortError(`${what} was aborted`, { cause: signal.reason });
    if (error instanceof BerthError) throw error;
    const e = error as { statusCode?: number; json?: { message?: string } | string; message?: string };
    if (typeof e?.statusCode === 'number') {
      const message =
        typeof e.json === 'object' && e.json?.message
          ? e.json.message
          : typeof e.json === 'string' && e.json.trim()
            ? e.json.trim()
            : (e.message ?? '');
      throw engineFailure(e.statusCode, message, what);
    }
    throw connectionFailure(error, endpoint, what);
  }
}
