/**
 * Image builds through the Engine API's `POST /build`: the context goes up as a tar stream in the
 * request body on berth's own transport, and the answer is the builder's JSON-lines progress (read
 * by image/build.ts). `version=1` asks for the classic builder, which needs no BuildKit session
 * (a gRPC conversation over a hijacked connection that berth does not speak); Dockerfiles that use
 * BuildKit-only syntax (`RUN --mount`, heredocs) are refused by the engine and reported as such.
 */
import type { Readable } from 'node:stream';
import type { Transport } from './transport.js';

/** Credentials the engine may use to pull base images, keyed by registry host (X-Registry-Config). */
export type RegistryConfig = Record<string, { username?: string; password?: string; identitytoken?: string; serveraddress?: string }>;

/** The build's parameters, named as the engine's query parameters are. */
export interface BuildParameters {
  /** The tag given to the result. */
  t: string;
  /** Dockerfile path inside the context. */
  dockerfile: string;
  /** '1' is the classic builder (the only one berth speaks), '2' BuildKit. */
  version?: '1';
  /** Remove intermediate containers after a successful build. */
  rm?: boolean;
  /** Remove them after a failed one too. */
  forcerm?: boolean;
  buildargs?: Record<string, string>;
  target?: string;
  labels?: Record<string, string>;
  pull?: boolean;
  nocache?: boolean;
  /** os/arch[/variant] to build for. */
  platform?: string;
  registryConfig?: RegistryConfig;
}

/** Starts a build from a tar stream of the context; the caller reads the JSON progress stream. */
export async function buildStream(t: Transport, context: Readable, p: BuildParameters, signal?: AbortSignal): Promise<Readable> {
  const headers: Record<string, string> = {};
  if (p.registryConfig && Object.keys(p.registryConfig).length > 0) {
    headers['x-registry-config'] = Buffer.from(JSON.stringify(p.registryConfig)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  }
  const { body } = await t.request({
    method: 'POST',
    path: '/build',
    query: {
      t: p.t,
      dockerfile: p.dockerfile,
      version: p.version,
      rm: p.rm,
      forcerm: p.forcerm,
      buildargs: p.buildargs ? JSON.stringify(p.buildargs) : undefined,
      target: p.target,
      labels: p.labels ? JSON.stringify(p.labels) : undefined,
      pull: p.pull,
      nocache: p.nocache,
      platform: p.platform,
    },
    body: context,
    contentType: 'application/x-tar',
    headers,
    signal,
    what: `building ${p.t}`,
  });
  return body;
}
